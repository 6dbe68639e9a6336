package profiles

import (
	"bytes"
	"slices"
	"strings"
)

// Document is a line-preserving model of one shared file. Every line keeps
// its exact text and terminator, so Bytes returns the input unchanged until
// an edit touches a line, and an edit touches only the lines it is about.
//
// Line rules (the AWS CLI reads these files with Python's configparser, as
// botocore's configloader sets it up; the Go SDK agrees on all but inline
// comments, noted below):
//   - blank lines, and lines whose first non-blank character is # or ;, are
//     ignored (a comment inside an indented block is still a comment);
//   - a line indented deeper than the key line before it continues that key:
//     with an empty value (s3 =) the indented lines form a nested block of
//     sub-keys, otherwise they extend the value on new lines;
//   - "[name]" starts a section; text after "]" may only be a comment. The
//     name is trimmed, and the run of blanks after its first word counts
//     as one space ("[profile   dev]" is "profile dev");
//   - any other line is "key = value" or "key: value" (whichever delimiter
//     comes first). The key is trimmed and lower-cased; the value is trimmed
//     and kept literally: quotes stay, and # or ; inside it is NOT a comment.
//     configparser has no inline comments by default and the AWS CLI keeps
//     "region = us-east-1 # x" as "us-east-1 # x" (aws/aws-cli#320), so a
//     URL such as "endpoint_url = http://h/#x" keeps its fragment. (The Go
//     SDK cuts values at " #" or " ;"; the CLI is the reference here.)
//   - a key line before any section, a line with no delimiter, or a header
//     without its "]" is malformed: ParseDocument returns *ParseError.
type Document struct {
	bom   bool    // the input started with a UTF-8 byte order mark
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
	eol  string // "\n", "\r\n", or "" for a last line without one

	// Filled by analyze.
	kind    lineKind
	section string // header: its normalised name; others: the section they are in
	indent  int    // leading blanks and tabs
	// header: byte range of the name inside the brackets
	// key: byte range of the (trimmed) value
	start, end int
	key        string // key lines: lower-cased key
	owner      *line  // continuation lines: the key line they belong to
}

const utf8BOM = "\ufeff"

// ParseDocument splits data into lines and classifies them. A malformed line
// gives a *ParseError with its 1-based line number (File is left empty for
// the caller to fill in).
func ParseDocument(data []byte) (*Document, error) {
	d := &Document{}
	s := string(data)
	if strings.HasPrefix(s, utf8BOM) {
		d.bom = true
		s = s[len(utf8BOM):]
	}
	// One allocation for all lines; edits add lines of their own.
	block := make([]line, 0, strings.Count(s, "\n")+1)
	d.lines = make([]*line, 0, cap(block))
	for s != "" {
		text, rest, found := strings.Cut(s, "\n")
		block = append(block, line{text: text})
		l := &block[len(block)-1]
		if found {
			l.eol = "\n"
			if strings.HasSuffix(text, "\r") {
				l.text, l.eol = text[:len(text)-1], "\r\n"
			}
		}
		if d.eol == "" && l.eol != "" {
			d.eol = l.eol
		}
		d.lines = append(d.lines, l)
		s = rest
	}
	if d.eol == "" {
		d.eol = "\n"
	}
	if err := d.analyze(); err != nil {
		return nil, err
	}
	return d, nil
}

// Bytes returns the file's content.
func (d *Document) Bytes() []byte {
	var b bytes.Buffer
	if d.bom {
		b.WriteString(utf8BOM)
	}
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
	d.sections, d.order = map[string]*sectionIndex{}, nil
	var idx *sectionIndex
	section, inSection := "", false
	var cur *line // the key line that indented lines continue
	for i, l := range lines {
		l.kind, l.key, l.owner, l.start, l.end = kindBlank, "", nil, 0, 0
		l.indent = indentOf(l.text)
		trimmed := strings.TrimSpace(l.text)
		switch {
		case trimmed == "":
			l.kind = kindBlank
		case trimmed[0] == '#' || trimmed[0] == ';':
			l.kind = kindComment
		case cur != nil && l.indent > cur.indent:
			l.kind, l.owner = kindContinuation, cur
		case trimmed[0] == '[':
			name, start, end, msg := parseHeader(l.text)
			if msg != "" {
				return &ParseError{Line: i + 1, Msg: msg}
			}
			l.kind, l.start, l.end = kindHeader, start, end
			section, inSection, cur = name, true, nil
			idx = d.sections[name]
			if idx == nil {
				idx = &sectionIndex{}
				d.sections[name] = idx
				d.order = append(d.order, name)
			}
			idx.headers = append(idx.headers, i)
		default:
			key, start, end, msg := parseKeyLine(l.text)
			if msg != "" {
				return &ParseError{Line: i + 1, Msg: msg}
			}
			if !inSection {
				return &ParseError{Line: i + 1, Msg: "key " + key + " comes before any [section] header; put it under [default] or [profile NAME]"}
			}
			l.kind, l.key, l.start, l.end = kindKey, key, start, end
			cur = l
			idx.keys = append(idx.keys, i)
		}
		l.section = section
	}
	return nil
}

func indentOf(s string) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return n
}

// parseHeader reads "[name]" with an optional trailing comment. It returns
// the normalised name and the byte range of the trimmed name in text, or a
// message saying what is wrong.
func parseHeader(text string) (name string, start, end int, msg string) {
	open := strings.IndexByte(text, '[')
	closing := strings.IndexByte(text[open:], ']')
	if closing < 0 {
		return "", 0, 0, `section header has no closing "]"`
	}
	closing += open
	after := strings.TrimSpace(text[closing+1:])
	if after != "" && after[0] != '#' && after[0] != ';' {
		return "", 0, 0, "unexpected text " + quote(after) + ` after the section header; only a # comment may follow "]"`
	}
	inner := text[open+1 : closing]
	start = open + 1 + (len(inner) - len(strings.TrimLeft(inner, " \t")))
	end = open + 1 + len(strings.TrimRight(inner, " \t"))
	if end <= start {
		return "", 0, 0, "section header has no name"
	}
	return normalizeSection(text[start:end]), start, end, ""
}

// parseKeyLine splits "key = value" (or "key: value"; the first delimiter
// wins, as in configparser). start and end bound the trimmed value.
func parseKeyLine(text string) (key string, start, end int, msg string) {
	i := strings.IndexAny(text, "=:")
	if i < 0 {
		return "", 0, 0, "expected key = value, got " + quote(strings.TrimSpace(text)) + " (comments start with # on their own line)"
	}
	key = strings.ToLower(strings.TrimSpace(text[:i]))
	if key == "" {
		return "", 0, 0, "missing key before " + quote(text[i:i+1])
	}
	rest := text[i+1:]
	v := strings.TrimSpace(rest)
	start = i + 1 + strings.Index(rest, v) // v starts with a non-blank, so this skips the leading blanks
	return key, start, start + len(v), ""
}

// normalizeSection trims a section name and turns the blanks after its first
// word into one space, so "profile   dev" and "profile dev" are one section.
func normalizeSection(name string) string {
	name = strings.TrimSpace(name)
	i := strings.IndexAny(name, " \t")
	if i < 0 {
		return name
	}
	return name[:i] + " " + strings.TrimLeft(name[i:], " \t")
}

func quote(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return `"` + s + `"`
}

// valueOf returns the value of key line k as readers see it: the trimmed
// value, and, when it is not empty, its continuation lines joined with
// newlines. A key with an empty value and indented lines (a nested block)
// reads as "".
func valueOf(k *line, lines []*line, at int) string {
	v := k.text[k.start:k.end]
	if v == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(v)
	for _, l := range lines[at+1:] {
		if l.kind == kindContinuation && l.owner == k {
			b.WriteByte('\n')
			b.WriteString(strings.TrimSpace(l.text))
			continue
		}
		if l.kind == kindBlank || l.kind == kindComment {
			continue
		}
		break
	}
	return b.String()
}

// entry is one key as read: its value and 1-based line.
type entry struct {
	Key, Value string
	Line       int
}

// sectionEntries lists the top-level keys of section (all of its
// occurrences) in file order; later duplicates follow earlier ones.
func (d *Document) sectionEntries(section string) []entry {
	idx := d.sections[normalizeSection(section)]
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
	return d.sections[normalizeSection(name)] != nil
}

// Get returns the value of key in section; when the key appears more than
// once (also across duplicate sections) the last one wins, as for the CLI.
// Keys match case-insensitively.
func (d *Document) Get(section, key string) (string, bool) {
	i := d.lastKeyLine(normalizeSection(section), strings.ToLower(strings.TrimSpace(key)))
	if i < 0 {
		return "", false
	}
	return valueOf(d.lines[i], d.lines, i), true
}

// Keys lists the top-level keys of section, sorted by first appearance.
func (d *Document) Keys(section string) []string {
	idx := d.sections[normalizeSection(section)]
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

// value is Get with the line the value came from (File left empty).
// section and key must be normalised already.
func (d *Document) value(section, key string) (Value, bool) {
	i := d.lastKeyLine(section, key)
	if i < 0 {
		return Value{}, false
	}
	return Value{Text: valueOf(d.lines[i], d.lines, i), Line: i + 1}, true
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
