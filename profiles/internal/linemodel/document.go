package linemodel

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document is a line-preserving model of one shared file. Every line keeps
// its exact text and terminator, so Bytes returns the input unchanged until
// an edit touches a line, and an edit touches only the lines it is about.
//
// Line rules: those of the AWS CLI, which reads these files with Python's
// configparser as botocore's configloader sets it up (checked by running
// botocore, see differential_test.go). The Go SDK reads some lines
// differently; SDKDifferences lists them.
//   - lines end at "\n", "\r\n" or a lone "\r"; the file must be UTF-8
//     without a byte order mark;
//   - blank lines, and lines whose first non-blank character is # or ;, are
//     ignored (a comment inside an indented block is still a comment);
//   - a line indented deeper than the key line before it continues that key:
//     with an empty value (s3 =) the indented lines form a nested block of
//     "sub_key = value" lines, otherwise they extend the value on new lines
//     (blank lines between them are kept as empty lines);
//   - a line that starts with "[" and has a "]" after at least one
//     character is a section header: the name is everything between the
//     first "[" and the last "]", exactly, blanks included; text after the
//     last "]" is ignored. A name may appear once per file ([DEFAULT], whose
//     keys every other section of the file inherits, excepted);
//   - any other line is "key = value" or "key: value" (whichever delimiter
//     comes first). The key is trimmed and lower-cased and may appear once
//     per section; the value is trimmed and kept literally: quotes stay, and
//     # or ; inside it is NOT a comment (configparser has no inline
//     comments, so "region = us-east-1 # x" is "us-east-1 # x",
//     aws/aws-cli#320, and "endpoint_url = http://h/#x" keeps its
//     fragment);
//   - anything else (a key line before any section, a line with no
//     delimiter, a repeated section or key, a nested line without "=") makes
//     the AWS CLI refuse the whole file ("Unable to parse config file"), and
//     ParseDocument returns *ParseError for the first such line.
type Document struct {
	lines []*line // pointers, so a line keeps its identity across edits
	eol   string  // terminator for new lines: the file's first one, else "\n"
	err   error   // the first invalid edit (see Err)

	// Built by analyze, so that a lookup costs no scan of the file (a
	// config can hold tens of thousands of profiles).
	sections map[string]*sectionIndex
	order    []string // section names in order of first appearance
}

// sectionIndex locates one section's lines (all of its occurrences).
type sectionIndex struct {
	headers []int // its header lines, in file order
	keys    []int // its top-level key lines, in file order
}

type lineKind uint8

const (
	kindBlank lineKind = iota
	kindComment
	kindHeader
	kindKey
	kindContinuation
)

type line struct {
	text string // without its terminator
	eol  string // "\n", "\r\n", "\r", or "" for a last line without one

	// Filled by analyze.
	kind    lineKind
	section string // header: its name; others: the section they are in
	indent  int    // leading white space characters
	// header: byte range of the name inside the brackets
	// key: byte range of the (trimmed) value
	start, end int
	key        string // key lines: lower-cased key
}

const utf8BOM = "\ufeff"

// ParseDocument splits data into lines and classifies them. A malformed line
// gives a *ParseError with its 1-based line number (File is left empty for
// the caller to fill in).
func ParseDocument(data []byte) (*Document, error) {
	d := &Document{}
	s := string(data)
	if strings.HasPrefix(s, utf8BOM) {
		return nil, &ParseError{Line: 1, Msg: "the file starts with a byte order mark (U+FEFF, as some Windows editors write); save it as UTF-8 without one"}
	}
	if !utf8.ValidString(s) {
		bad := 0
		for bad < len(s) {
			r, n := utf8.DecodeRuneInString(s[bad:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			bad += n
		}
		return nil, &ParseError{Line: 1 + strings.Count(s[:bad], "\n") + lone(s[:bad]),
			Msg: fmt.Sprintf("byte 0x%02x is not UTF-8 text; save the file as UTF-8", s[bad])}
	}
	// One allocation for all lines; edits add lines of their own.
	block := make([]line, 0, strings.Count(s, "\n")+1)
	d.lines = make([]*line, 0, cap(block))
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		l := line{text: s}
		s = ""
		if i >= 0 {
			l.text, s, l.eol = l.text[:i], l.text[i+1:], l.text[i:i+1]
			if l.eol == "\r" && strings.HasPrefix(s, "\n") {
				l.eol, s = "\r\n", s[1:]
			}
		}
		block = append(block, l)
		if d.eol == "" {
			d.eol = l.eol
		}
		d.lines = append(d.lines, &block[len(block)-1])
	}
	if d.eol == "" {
		d.eol = "\n"
	}
	if err := d.analyze(); err != nil {
		return nil, err
	}
	return d, nil
}

// lone counts the "\r" of s that end a line without a "\n" after them.
func lone(s string) int {
	return strings.Count(s, "\r") - strings.Count(s, "\r\n")
}

// Bytes returns the file's content.
func (d *Document) Bytes() []byte {
	var b bytes.Buffer
	for _, l := range d.lines {
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	return b.Bytes()
}

// analyze classifies every line, records where keys and names sit, and
// indexes the sections.
func (d *Document) analyze() error {
	lines := d.lines
	d.sections, d.order = make(map[string]*sectionIndex, len(d.sections)), nil
	var idx *sectionIndex
	section, inSection := "", false
	var cur *line              // the key line that indented lines continue
	indent := 0                // configparser's indent_level: that of the last header or key line
	var firstAt map[string]int // key line of each key in the section, for duplicates
	for i, l := range lines {
		l.kind, l.key, l.start, l.end = kindBlank, "", 0, 0
		l.indent = indentOf(l.text)
		trimmed := pyStrip(l.text)
		switch {
		case trimmed == "":
			l.kind = kindBlank
		case trimmed[0] == '#' || trimmed[0] == ';':
			l.kind = kindComment
		case cur != nil && l.indent > indent:
			l.kind = kindContinuation
		default:
			indent = l.indent
			off := len(l.text) - len(strings.TrimLeftFunc(l.text, isPySpace))
			if name, ok := headerName(trimmed); ok {
				if idx := d.sections[name]; idx != nil && name != defaultSection {
					return &ParseError{Line: i + 1, Msg: fmt.Sprintf("section [%s] appears a second time (first at line %d); merge the two or rename one", name, idx.headers[0]+1)}
				}
				l.kind, l.start, l.end = kindHeader, off+1, off+1+len(name)
				section, inSection, cur = name, true, nil
				idx = d.sections[name]
				if idx == nil {
					idx = &sectionIndex{}
					d.sections[name] = idx
					d.order = append(d.order, name)
				}
				idx.headers = append(idx.headers, i)
				if len(idx.headers) == 1 {
					firstAt = map[string]int{}
				} else {
					firstAt = map[string]int{} // a repeated [DEFAULT]: refill from its keys
					for _, k := range idx.keys {
						firstAt[lines[k].key] = k
					}
				}
				break
			}
			key, start, end, msg := parseKeyLine(trimmed)
			if msg != "" {
				return &ParseError{Line: i + 1, Msg: msg}
			}
			if !inSection {
				return &ParseError{Line: i + 1, Msg: "key " + key + " comes before any [section] header; put it under [default] or [profile NAME]"}
			}
			if at, dup := firstAt[key]; dup {
				return &ParseError{Line: i + 1, Msg: fmt.Sprintf("key %s appears a second time in [%s] (first at line %d); keep one of the two", key, section, at+1)}
			}
			firstAt[key] = i
			l.kind, l.key, l.start, l.end = kindKey, key, off+start, off+end
			cur = l
			idx.keys = append(idx.keys, i)
		}
		l.section = section
	}
	return d.checkNested()
}

// defaultSection is configparser's default section: its keys are inherited
// by every other section of the same file, and it may appear more than once.
const defaultSection = "DEFAULT"

// isPySpace is Python's str.isspace, which configparser strips and indents
// by: Unicode white space and the separators U+001C to U+001F.
func isPySpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

func pyStrip(s string) string { return strings.TrimFunc(s, isPySpace) }

// indentOf counts the leading white space characters of s.
func indentOf(s string) int {
	n := 0
	for _, r := range s {
		if !isPySpace(r) {
			break
		}
		n++
	}
	return n
}

// headerName reads a stripped line as configparser's section header
// pattern, \[(.+)\]: the name runs from the first "[" to the last "]".
func headerName(trimmed string) (string, bool) {
	if trimmed[0] != '[' {
		return "", false
	}
	j := strings.LastIndexByte(trimmed, ']')
	if j < 2 {
		return "", false
	}
	return trimmed[1:j], true
}

// parseKeyLine splits a stripped "key = value" (or "key: value"; the first
// delimiter wins, as in configparser). start and end bound the stripped
// value within trimmed.
func parseKeyLine(trimmed string) (key string, start, end int, msg string) {
	i := strings.IndexAny(trimmed, "=:")
	if i < 0 {
		if trimmed[0] == '[' {
			if strings.IndexByte(trimmed, ']') < 0 {
				return "", 0, 0, `section header has no closing "]"`
			}
			return "", 0, 0, "section header has no name"
		}
		return "", 0, 0, "expected key = value, got " + quote(trimmed) + " (comments start with # on their own line)"
	}
	key = pyLower(strings.TrimRightFunc(trimmed[:i], isPySpace))
	if key == "" {
		return "", 0, 0, "missing key before " + quote(trimmed[i:i+1])
	}
	rest := trimmed[i+1:]
	v := pyStrip(rest)
	start = i + 1 + (len(rest) - len(strings.TrimLeftFunc(rest, isPySpace)))
	return key, start, start + len(v), ""
}

// pyLower is Python's str.lower for the keys of these files: the same as
// strings.ToLower, without allocating for a key that is lower-case already.
func pyLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// checkNested refuses a nested block (a key with an empty value followed by
// indented lines) with a line that has no "=": botocore splits each such
// line at its first "=" and refuses the file when there is none. It does so
// for the keys each section reads, so a [DEFAULT] key counts only when a
// section inherits it (has no such key of its own).
func (d *Document) checkNested() error {
	inherited := func(key string) bool {
		for _, sec := range d.order {
			if sec != defaultSection && d.lastKeyLine(sec, key) < 0 {
				return true
			}
		}
		return false
	}
	nested := false
	for i, l := range d.lines {
		switch l.kind {
		case kindKey:
			nested = l.start == l.end && (l.section != defaultSection || inherited(l.key))
		case kindHeader:
			nested = false
		case kindContinuation:
			if nested && !strings.Contains(l.text, "=") {
				return &ParseError{Line: i + 1, Msg: "line " + quote(pyStrip(l.text)) + ` in a nested block has no "="; write sub_key = value, or give the key above it a value`}
			}
		}
	}
	return nil
}

func quote(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// valueOf returns the value of key line k (at index at) as readers see it:
// the stripped value and its continuation lines joined with newlines, blank
// lines between them kept as empty lines, trailing ones dropped. A nested
// block (an empty value with indented lines) reads as "".
func valueOf(k *line, lines []*line, at int) string {
	v := k.text[k.start:k.end]
	if v == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(v)
	blanks := 0
	for _, l := range lines[at+1:] {
		switch l.kind {
		case kindContinuation:
			for ; blanks > 0; blanks-- {
				b.WriteByte('\n')
			}
			b.WriteByte('\n')
			b.WriteString(pyStrip(l.text))
			continue
		case kindBlank:
			blanks++
			continue
		case kindComment:
			continue
		}
		break
	}
	return b.String()
}

// nestedOf returns the sub-keys of key line k (at index at) when it opens a
// nested block, as botocore reads them: each line split at its first "=",
// key and value stripped, the key's case kept. ok is false for a key with a
// value of its own or no indented lines.
func nestedOf(k *line, lines []*line, at int) (sub map[string]string, ok bool) {
	if k.start != k.end {
		return nil, false
	}
	for _, l := range lines[at+1:] {
		if l.kind == kindBlank || l.kind == kindComment {
			continue
		}
		if l.kind != kindContinuation {
			break
		}
		key, value, _ := strings.Cut(pyStrip(l.text), "=")
		if sub == nil {
			sub = map[string]string{}
		}
		sub[pyStrip(key)] = pyStrip(value)
	}
	return sub, sub != nil
}

// entry is one key as read: its value and 1-based line.
type entry struct {
	Key, Value string
	Line       int
}

// sectionEntries lists the top-level keys of section (all of its
// occurrences) in file order; later duplicates follow earlier ones.
func (d *Document) sectionEntries(section string) []entry {
	idx := d.sections[section]
	if idx == nil {
		return nil
	}
	out := make([]entry, 0, len(idx.keys))
	for _, i := range idx.keys {
		out = append(out, entry{Key: d.lines[i].key, Value: valueOf(d.lines[i], d.lines, i), Line: i + 1})
	}
	return out
}

// Sections lists the section names in order of first appearance, each once,
// normalised ("profile dev", "default", "sso-session x").
func (d *Document) Sections() []string {
	return slices.Clone(d.order)
}

// HasSection reports whether the file has a [name] header.
func (d *Document) HasSection(name string) bool {
	return d.sections[name] != nil
}

// Get returns the value of key in section; when the key appears more than
// once (also across duplicate sections) the last one wins, as for the CLI.
// Keys match case-insensitively.
func (d *Document) Get(section, key string) (string, bool) {
	i := d.lastKeyLine(section, strings.ToLower(strings.TrimSpace(key)))
	if i < 0 {
		return "", false
	}
	return valueOf(d.lines[i], d.lines, i), true
}

// Keys lists the top-level keys of section, sorted by first appearance.
func (d *Document) Keys(section string) []string {
	idx := d.sections[section]
	if idx == nil {
		return nil
	}
	out := make([]string, 0, len(idx.keys))
	for _, i := range idx.keys {
		if k := d.lines[i].key; !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func (d *Document) lastKeyLine(section, key string) int {
	if idx := d.sections[section]; idx != nil {
		for _, i := range slices.Backward(idx.keys) {
			if d.lines[i].key == key {
				return i
			}
		}
	}
	return -1
}
