package profiles

import "strings"

// shlexSplit splits s into words as Python's shlex.split does (POSIX mode),
// which is how botocore reads the name out of a "[profile NAME]" header:
// blanks separate words, single quotes keep everything literally, double
// quotes keep everything but a backslash before " or \, and a backslash
// outside quotes escapes the next character. ok is false where shlex
// raises (an unclosed quote, a trailing backslash).
func shlexSplit(s string) (words []string, ok bool) {
	const blanks = " \t\r\n"
	var word strings.Builder
	inWord := false  // a word has started (it may be empty: "''")
	var quote rune   // the open quote, or 0
	escaped := false // the previous character was a backslash
	for _, r := range s {
		switch {
		case escaped:
			// Inside double quotes a backslash escapes only " and \.
			if quote == '"' && r != '"' && r != '\\' {
				word.WriteByte('\\')
			}
			word.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				word.WriteRune(r)
			}
		case strings.ContainsRune(blanks, r):
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if escaped || quote != 0 {
		return nil, false
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, true
}
