package profiles

import (
	"fmt"
	"hash/maphash"
	"iter"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document is one shared file, kept as its text. Bytes returns the input
// unchanged until an edit touches a line, and an edit touches only the
// lines it is about.
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
//
// Cost: a config can hold tens of thousands of profiles and every command
// reads it, so parsing checks every line (the AWS CLI refuses the whole
// file for one bad line) but keeps only the section headers: one record
// each, without pointers, and a map from name to record. A lookup reads
// the lines of its section alone, from the text. The table of every line
// (lineTable) is built for edits and SDKDifferences only.
type Document struct {
	src string // the file's text
	eol string // terminator for new lines: the file's first one, else "\n"
	err error  // the first invalid edit (see Err)

	secs  []occurrence // every section header, in file order
	names nameIndex    // section name -> its first occurrence in secs
}

// occurrence is one section header and the lines under it, as byte offsets
// into the text (int32: files are under 2 GiB).
type occurrence struct {
	body, end     int32 // byte offsets: the line after the header, the next header (or end of text)
	line          int32 // 0-based line number of the header
	name, nameEnd int32 // the name between the brackets
	indent        int32 // the header's indent: configparser's indent_level after it
	next          int32 // the next occurrence of the same name ([DEFAULT] only), or -1
	repeat        bool  // not the name's first occurrence
}

// maxSize is the largest file ParseDocument reads (offsets are int32).
const maxSize = 1<<31 - 1

type lineKind uint8

const (
	kindBlank lineKind = iota
	kindComment
	kindHeader
	kindKey
	kindContinuation
)

const utf8BOM = "\ufeff"

// ParseDocument checks every line of data and indexes its sections. A
// malformed line gives a *ParseError with its 1-based line number (File is
// left empty for the caller to fill in).
func ParseDocument(data []byte) (*Document, error) {
	return parseText(string(data))
}

func parseText(s string) (*Document, error) {
	if strings.HasPrefix(s, utf8BOM) {
		return nil, &ParseError{Line: 1, Msg: "the file starts with a byte order mark (U+FEFF, as some Windows editors write); save it as UTF-8 without one"}
	}
	if len(s) > maxSize {
		return nil, &ParseError{Line: 1, Msg: "the file is larger than 2 GiB"}
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
	d := &Document{src: s, eol: "\n"}
	if _, eol, _ := nextLine(s, 0); eol != "" {
		d.eol = eol
	}
	if err := d.index(); err != nil {
		return nil, err
	}
	return d, nil
}

// lone counts the "\r" of s that end a line without a "\n" after them.
func lone(s string) int {
	return strings.Count(s, "\r") - strings.Count(s, "\r\n")
}

// Bytes returns the file's content.
func (d *Document) Bytes() []byte { return []byte(d.src) }

// nextLine returns the line of s that starts at byte at: its text, its
// terminator ("\n", "\r\n", "\r", or "" at the end of s) and where the next
// line starts.
func nextLine(s string, at int) (text, eol string, next int) {
	rest := s[at:]
	i := strings.IndexByte(rest, '\n')
	text = rest
	if i >= 0 {
		text = rest[:i]
	}
	if j := strings.IndexByte(text, '\r'); j >= 0 {
		if j+1 < len(rest) && rest[j+1] == '\n' {
			return rest[:j], "\r\n", at + j + 2
		}
		return rest[:j], "\r", at + j + 1
	}
	if i >= 0 {
		return text, "\n", at + i + 1
	}
	return text, "", len(s)
}

// scanner classifies lines in order, with configparser's state: whether a
// key line is open (deeper-indented lines continue it) and the indent of
// the last header or key line.
type scanner struct {
	open   bool
	indent int
}

// lineInfo is what one line is.
type lineInfo struct {
	kind   lineKind
	indent int // leading white space characters
	// header: byte range of the name inside the brackets;
	// key: byte range of the (trimmed) value
	start, end int
	key        string // key lines: lower-cased key
	msg        string // a line the AWS CLI refuses: why
}

func (sc *scanner) classify(text string) lineInfo {
	off, indent := leadingSpace(text)
	li := lineInfo{indent: indent}
	trimmed := text[off : len(text)-trailingSpace(text[off:])]
	switch {
	case trimmed == "":
		li.kind = kindBlank
	case trimmed[0] == '#' || trimmed[0] == ';':
		li.kind = kindComment
	case sc.open && indent > sc.indent:
		li.kind = kindContinuation
	default:
		sc.indent = indent
		if name, ok := headerName(trimmed); ok {
			li.kind, li.start, li.end = kindHeader, off+1, off+1+len(name)
			sc.open = false
			break
		}
		key, start, end, msg := parseKeyLine(trimmed)
		if msg != "" {
			li.msg = msg
			break
		}
		li.kind, li.key, li.start, li.end = kindKey, key, off+start, off+end
		sc.open = true
	}
	return li
}

// keySet is the keys of one section seen so far, with their 0-based lines,
// for duplicates: a list while short (most sections have a few keys), a map
// beyond.
type keySet struct {
	list []keyAt
	m    map[string]int
}

type keyAt struct {
	key  string
	line int
}

func (k *keySet) reset() { k.list, k.m = k.list[:0], nil }

func (k *keySet) find(key string) (int, bool) {
	if k.m != nil {
		line, ok := k.m[key]
		return line, ok
	}
	for _, e := range k.list {
		if e.key == key {
			return e.line, true
		}
	}
	return 0, false
}

func (k *keySet) add(key string, line int) {
	if k.m != nil {
		k.m[key] = line
		return
	}
	k.list = append(k.list, keyAt{key, line})
	if len(k.list) > 16 {
		k.m = make(map[string]int, 2*len(k.list))
		for _, e := range k.list {
			k.m[e.key] = e.line
		}
	}
}

// index checks every line of d.src as the AWS CLI does and records the
// section headers. It allocates for the headers only (and for a key with
// upper-case letters).
func (d *Document) index() error {
	s := d.src
	// Each header holds a "[": a bound on their number, and close in most
	// files (itself bounded, for a file of "[" in values).
	guess := min(strings.Count(s, "[")+1, 1<<16)
	if cap(d.secs) < guess {
		d.secs = make([]occurrence, 0, guess)
	}
	d.secs = d.secs[:0]
	d.names.reset(guess)
	var sc scanner
	cur := -1         // the occurrence the lines are in
	lastDefault := -1 // the last occurrence of [DEFAULT]
	var keys, defaultKeys keySet
	// A nested block (a key with an empty value followed by indented lines)
	// with a line that has no "=": botocore splits each such line at its
	// first "=" and refuses the file when there is none. It does so for the
	// keys each section reads, so a [DEFAULT] key counts only when a
	// section inherits it (has no such key of its own), which only the
	// whole file tells. These are reported after every other error.
	nestedBad := -1        // first such line outside [DEFAULT]
	var defaultBad []keyAt // [DEFAULT] keys with such a line: the key and its first bad line
	nested := false
	line := 0
	for at := 0; at < len(s); line++ {
		text, _, next := nextLine(s, at)
		li := sc.classify(text)
		if li.msg != "" {
			return &ParseError{Line: line + 1, Msg: li.msg}
		}
		switch li.kind {
		case kindHeader:
			name := text[li.start:li.end]
			first, seen := d.first(name)
			if seen && name != defaultSection {
				return &ParseError{Line: line + 1, Msg: fmt.Sprintf("section [%s] appears a second time (first at line %d); merge the two or rename one", name, d.secs[first].line+1)}
			}
			if cur >= 0 {
				d.secs[cur].end = int32(at)
			}
			cur = len(d.secs)
			d.secs = append(d.secs, occurrence{body: int32(next), end: int32(len(s)), line: int32(line),
				name: int32(at + li.start), nameEnd: int32(at + li.end), indent: int32(li.indent), next: -1, repeat: seen})
			if !seen {
				d.names.add(d, name, cur)
			}
			if name == defaultSection {
				if lastDefault >= 0 {
					d.secs[lastDefault].next = int32(cur)
				}
				lastDefault = cur
			}
			keys.reset()
			nested = false
		case kindKey:
			if cur < 0 {
				return &ParseError{Line: line + 1, Msg: "key " + li.key + " comes before any [section] header; put it under [default] or [profile NAME]"}
			}
			ks := &keys
			inDefault := cur == lastDefault
			if inDefault {
				ks = &defaultKeys // a repeated [DEFAULT] continues the first
			}
			if first, dup := ks.find(li.key); dup {
				return &ParseError{Line: line + 1, Msg: fmt.Sprintf("key %s appears a second time in [%s] (first at line %d); keep one of the two", li.key, d.name(cur), first+1)}
			}
			ks.add(li.key, line)
			nested = li.start == li.end
			if nested && inDefault {
				defaultBad = append(defaultBad, keyAt{key: li.key, line: -1})
			}
		case kindContinuation:
			if nested && !strings.Contains(text, "=") {
				switch {
				case cur == lastDefault:
					if b := &defaultBad[len(defaultBad)-1]; b.line < 0 {
						b.line = line
					}
				case nestedBad < 0:
					nestedBad = line
				}
			}
		}
		at = next
	}
	bad := nestedBad
	for _, b := range defaultBad {
		if b.line >= 0 && (bad < 0 || b.line < bad) && d.readsDefault(b.key) {
			bad = b.line
		}
	}
	if bad >= 0 {
		text, _, _ := nextLine(s, d.lineStart(bad))
		return &ParseError{Line: bad + 1, Msg: "line " + quote(pyStrip(text)) + ` in a nested block has no "="; write sub_key = value, or give the key above it a value`}
	}
	return nil
}

// nameIndex finds a section's first occurrence by name: a hash table of
// indexes into the document's occurrences (open addressing, at most half
// full), without pointers for the garbage collector to follow and without
// a copy of the names, which it compares in the text.
type nameIndex struct {
	slots []uint64 // hash<<32 | occurrence+1; 0 is empty
	n     int      // names held
	seed  maphash.Seed
}

func (x *nameIndex) reset(guess int) {
	size := 16
	for size < 2*guess {
		size *= 2
	}
	x.slots, x.n, x.seed = make([]uint64, size), 0, maphash.MakeSeed()
}

func (x *nameIndex) hash(name string) uint64 { return maphash.String(x.seed, name) >> 32 }

// find returns the occurrence of name, or -1 and the empty slot where it
// goes.
func (x *nameIndex) find(d *Document, name string) (occ int, slot int) {
	h := x.hash(name)
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return -1, int(i)
		}
		if s>>32 == h && d.name(int(uint32(s)-1)) == name {
			return int(uint32(s) - 1), int(i)
		}
	}
}

// add records occurrence i as name's first; name must not be there yet.
func (x *nameIndex) add(d *Document, name string, i int) {
	if 2*(x.n+1) > len(x.slots) {
		old := x.slots
		x.slots = make([]uint64, 2*len(old))
		mask := uint64(len(x.slots) - 1)
		for _, s := range old {
			if s == 0 {
				continue
			}
			j := (s >> 32) & mask
			for x.slots[j] != 0 {
				j = (j + 1) & mask
			}
			x.slots[j] = s
		}
	}
	_, slot := x.find(d, name)
	x.slots[slot] = x.hash(name)<<32 | uint64(i+1)
	x.n++
}

// first returns the index in d.secs of section's first occurrence.
func (d *Document) first(section string) (int, bool) {
	if len(d.names.slots) == 0 {
		return -1, false
	}
	i, _ := d.names.find(d, section)
	return i, i >= 0
}

// readsDefault reports whether a section other than [DEFAULT] lacks key,
// and so reads [DEFAULT]'s.
func (d *Document) readsDefault(key string) bool {
	for i := range d.secs {
		if o := &d.secs[i]; !o.repeat && d.name(i) != defaultSection {
			if _, ok := d.lastKey(d.name(i), key); !ok {
				return true
			}
		}
	}
	return false
}

// lineStart returns the byte offset of 0-based line n (for error messages).
func (d *Document) lineStart(n int) int {
	at := 0
	for range n {
		_, _, at = nextLine(d.src, at)
	}
	return at
}

// name is the name of occurrence i.
func (d *Document) name(i int) string {
	o := &d.secs[i]
	return d.src[o.name:o.nameEnd]
}

// defaultSection is configparser's default section: its keys are inherited
// by every other section of the same file, and it may appear more than once.
const defaultSection = "DEFAULT"

// isPySpace is Python's str.isspace, which configparser strips and indents
// by: Unicode white space and the separators U+001C to U+001F.
func isPySpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// asciiPySpace is isPySpace for a byte below utf8.RuneSelf.
func asciiPySpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)
}

// leadingSpace returns the length in bytes and in characters of the white
// space s starts with.
func leadingSpace(s string) (bytes, chars int) {
	for i := 0; i < len(s); chars++ {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiPySpace(c) {
				return i, chars
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isPySpace(r) {
			return i, chars
		}
		i += n
	}
	return len(s), chars
}

// trailingSpace returns the length in bytes of the white space s ends with.
func trailingSpace(s string) int {
	i := len(s)
	for i > 0 {
		if c := s[i-1]; c < utf8.RuneSelf {
			if !asciiPySpace(c) {
				break
			}
			i--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !isPySpace(r) {
			break
		}
		i -= n
	}
	return len(s) - i
}

func pyStrip(s string) string {
	off, _ := leadingSpace(s)
	s = s[off:]
	return s[:len(s)-trailingSpace(s)]
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
	i := delimiter(trimmed)
	if i < 0 {
		if trimmed[0] == '[' {
			if strings.IndexByte(trimmed, ']') < 0 {
				return "", 0, 0, `section header has no closing "]"`
			}
			return "", 0, 0, "section header has no name"
		}
		return "", 0, 0, "expected key = value, got " + quote(trimmed) + " (comments start with # on their own line)"
	}
	raw := trimmed[:i]
	key = pyLower(raw[:len(raw)-trailingSpace(raw)])
	if key == "" {
		return "", 0, 0, "missing key before " + quote(trimmed[i:i+1])
	}
	rest := trimmed[i+1:]
	off, _ := leadingSpace(rest)
	start = i + 1 + off
	return key, start, start + len(rest) - off - trailingSpace(rest[off:]), ""
}

// delimiter returns the index of the first "=" or ":" in s, or -1.
func delimiter(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '=' || c == ':' {
			return i
		}
	}
	return -1
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

func quote(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// keyLine is one top-level key line of a section, read from the text.
type keyLine struct {
	key        string
	text       string // the line, without its terminator
	start, end int    // the value's byte range in text
	indent     int
	line       int // 0-based
	next, stop int // byte offsets: the line after it, the end of its section
}

// keyLines yields the top-level key lines of every occurrence of section,
// in file order.
func (d *Document) keyLines(section string) iter.Seq[keyLine] {
	return func(yield func(keyLine) bool) {
		first, ok := d.first(section)
		if !ok {
			return
		}
		for i := int32(first); i >= 0; i = d.secs[i].next {
			o := &d.secs[i]
			sc := scanner{indent: int(o.indent)}
			line := int(o.line)
			for at := int(o.body); at < int(o.end); {
				line++
				text, _, next := nextLine(d.src, at)
				if li := sc.classify(text); li.kind == kindKey {
					if !yield(keyLine{key: li.key, text: text, start: li.start, end: li.end, indent: li.indent, line: line, next: next, stop: int(o.end)}) {
						return
					}
				}
				at = next
			}
		}
	}
}

// lastKey returns the key line of key in section that the AWS CLI reads
// (the last); key must be lower-case.
func (d *Document) lastKey(section, key string) (k keyLine, ok bool) {
	for kl := range d.keyLines(section) {
		if kl.key == key {
			k, ok = kl, true
		}
	}
	return k, ok
}

// continuation yields the lines that continue key line k: indented deeper
// than it, with blank lines and comments among them (blank is true for a
// blank line; comments are skipped).
func (d *Document) continuation(k keyLine) iter.Seq2[string, bool] {
	return func(yield func(string, bool) bool) {
		for at := k.next; at < k.stop; {
			text, _, next := nextLine(d.src, at)
			off, indent := leadingSpace(text)
			trimmed := text[off : len(text)-trailingSpace(text[off:])]
			switch {
			case trimmed == "":
				if !yield("", true) {
					return
				}
			case trimmed[0] == '#' || trimmed[0] == ';':
			case indent > k.indent:
				if !yield(trimmed, false) {
					return
				}
			default:
				return
			}
			at = next
		}
	}
}

// valueOf returns the value of key line k as readers see it: the stripped
// value and its continuation lines joined with newlines, blank lines
// between them kept as empty lines, trailing ones dropped. A nested block
// (an empty value with indented lines) reads as "".
func (d *Document) valueOf(k keyLine) string {
	v := k.text[k.start:k.end]
	if v == "" {
		return ""
	}
	var b strings.Builder // only for a value that goes on
	blanks := 0
	for text, blank := range d.continuation(k) {
		if blank {
			blanks++
			continue
		}
		if b.Len() == 0 {
			b.WriteString(v)
		}
		for ; blanks > 0; blanks-- {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		b.WriteString(text)
	}
	if b.Len() == 0 {
		return v
	}
	return b.String()
}

// nestedOf returns the sub-keys of key line k when it opens a nested
// block, as botocore reads them: each line split at its first "=", key and
// value stripped, the key's case kept. ok is false for a key with a value
// of its own or no indented lines.
func (d *Document) nestedOf(k keyLine) (sub map[string]string, ok bool) {
	if k.start != k.end {
		return nil, false
	}
	for text, blank := range d.continuation(k) {
		if blank {
			continue
		}
		key, value, _ := strings.Cut(text, "=")
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
// occurrences) in file order.
func (d *Document) sectionEntries(section string) []entry {
	var out []entry
	for k := range d.keyLines(section) {
		out = append(out, entry{Key: k.key, Value: d.valueOf(k), Line: k.line + 1})
	}
	return out
}

// sectionNames yields the section names in order of first appearance, each
// once.
func (d *Document) sectionNames() iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range d.secs {
			if !d.secs[i].repeat && !yield(d.name(i)) {
				return
			}
		}
	}
}

// headerLine returns the 1-based line of section's first header, or 0.
func (d *Document) headerLine(section string) int {
	if i, ok := d.first(section); ok {
		return int(d.secs[i].line) + 1
	}
	return 0
}

// lastHeader returns the 0-based line of section's last header, or -1.
func (d *Document) lastHeader(section string) int {
	i, ok := d.first(section)
	if !ok {
		return -1
	}
	for d.secs[i].next >= 0 {
		i = int(d.secs[i].next)
	}
	return int(d.secs[i].line)
}

// Sections lists the section names in order of first appearance, each once,
// normalised ("profile dev", "default", "sso-session x").
func (d *Document) Sections() []string {
	if d.names.n == 0 {
		return nil
	}
	out := make([]string, 0, d.names.n)
	for name := range d.sectionNames() {
		out = append(out, name)
	}
	return out
}

// HasSection reports whether the file has a [name] header.
func (d *Document) HasSection(name string) bool {
	_, ok := d.first(name)
	return ok
}

// Get returns the value of key in section; when the key appears more than
// once (also across duplicate sections) the last one wins, as for the CLI.
// Keys match case-insensitively.
func (d *Document) Get(section, key string) (string, bool) {
	k, ok := d.lastKey(section, strings.ToLower(strings.TrimSpace(key)))
	if !ok {
		return "", false
	}
	return d.valueOf(k), true
}

// Keys lists the top-level keys of section, sorted by first appearance.
func (d *Document) Keys(section string) []string {
	if !d.HasSection(section) {
		return nil
	}
	out := []string{}
	for k := range d.keyLines(section) {
		out = append(out, k.key) // a key appears once per section
	}
	return out
}

// value is Get with the line the value came from (File left empty).
// section and key must be normalised already.
func (d *Document) value(section, key string) (Value, bool) {
	k, ok := d.lastKey(section, key)
	if !ok {
		return Value{}, false
	}
	return Value{Text: d.valueOf(k), Line: k.line + 1}, true
}

// line is one line of the table that edits and SDKDifferences work on:
// offsets into the text it was read from, no pointers.
type line struct {
	at     int   // byte offset of the line
	n      int32 // length of its text, without the terminator
	eolLen uint8 // length of its terminator
	kind   lineKind
	indent int // leading white space characters
	// header: byte range of the name inside the brackets
	// key: byte range of the (trimmed) value
	start, end int
}

// text is the line without its terminator, in src (the text the table was
// read from).
func (l line) text(src string) string { return src[l.at : l.at+int(l.n)] }

// eol is the line's terminator: "\n", "\r\n", "\r", or "" for a last line
// without one.
func (l line) eol(src string) string {
	end := l.at + int(l.n)
	return src[end : end+int(l.eolLen)]
}

// lineTable classifies every line of the document.
func (d *Document) lineTable() []line {
	t := make([]line, 0, strings.Count(d.src, "\n")+1)
	var sc scanner
	for at := 0; at < len(d.src); {
		text, eol, next := nextLine(d.src, at)
		li := sc.classify(text)
		t = append(t, line{at: at, n: int32(len(text)), eolLen: uint8(len(eol)), kind: li.kind, indent: li.indent, start: li.start, end: li.end})
		at = next
	}
	return t
}

// lineKey is the (lower-cased) key of key line l.
func lineKey(l line, src string) string {
	key, _, _, _ := parseKeyLine(pyStrip(l.text(src)))
	return key
}
