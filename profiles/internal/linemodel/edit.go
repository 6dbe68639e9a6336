package linemodel

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// InvalidEditError reports an edit the file format cannot hold, such as a
// value with a line break or a key containing "=". The edit is not made.
type InvalidEditError struct {
	Section, Key, Value string
	Msg                 string
}

func (e *InvalidEditError) Error() string {
	switch {
	case e.Key != "":
		return fmt.Sprintf("cannot set %s in [%s]: %s", e.Key, e.Section, e.Msg)
	default:
		return fmt.Sprintf("cannot use section name %q: %s", e.Section, e.Msg)
	}
}

// Err returns the first edit that was refused because the file format
// cannot hold it (*InvalidEditError); EditFile returns it and writes
// nothing. Set, AddSection and RenameSection refuse such edits.
func (d *Document) Err() error { return d.err }

func (d *Document) refuse(e *InvalidEditError) {
	if d.err == nil {
		d.err = e
	}
}

// checkSectionName says what is wrong with a section name, or "".
func checkSectionName(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "it is empty"
	case name != strings.TrimSpace(name):
		return "it has blanks around it, which the AWS CLI would keep in the name"
	case strings.ContainsAny(name, "[]#;\r\n"):
		return `it may not contain [ ] # ; or line breaks`
	case !utf8.ValidString(name):
		return "it is not UTF-8 text"
	}
	return ""
}

func checkKey(key string) string {
	switch {
	case key == "":
		return "the key is empty"
	case key != pyStrip(key):
		return "the key has surrounding blanks"
	case strings.ContainsAny(key, "=:\r\n"):
		return "the key may not contain = : or line breaks"
	case strings.ContainsAny(key[:1], "[#;"):
		return "the key may not start with [ # or ;"
	}
	return ""
}

// Set gives key the value in section. An existing key (its last occurrence,
// the one that wins) has its value replaced in place; the rest of its line
// keeps its bytes, and any indented lines it had (a nested block) go. A new
// key is added after the last key of the section's last occurrence, in the
// spacing style of its neighbour. A missing section is added at the end.
// The value is trimmed; a value with a line break is refused (see Err).
func (d *Document) Set(section, key, value string) {

	value = pyStrip(value)
	if msg := checkSectionName(section); msg != "" {
		d.refuse(&InvalidEditError{Section: section, Msg: msg})
		return
	}
	if msg := checkKey(key); msg != "" {
		d.refuse(&InvalidEditError{Section: section, Key: key, Value: value, Msg: msg})
		return
	}
	if strings.ContainsAny(value, "\r\n") {
		d.refuse(&InvalidEditError{Section: section, Key: key, Value: value, Msg: "the value may not contain line breaks"})
		return
	}
	if !utf8.ValidString(key) || !utf8.ValidString(value) {
		d.refuse(&InvalidEditError{Section: section, Key: key, Value: value, Msg: "the key and value must be UTF-8 text"})
		return
	}

	if i := d.lastKeyLine(section, strings.ToLower(key)); i >= 0 {
		d.replaceValue(i, value)
		return
	}
	if !d.HasSection(section) {
		d.AddSection(section)
	}
	at, ref := d.insertionPoint(section)
	d.insertLines(at, []string{d.keyLine(ref, key, value)})
}

// replaceValue swaps the value of key line i, dropping its continuation.
func (d *Document) replaceValue(i int, value string) {
	l := d.lines[i]
	span := d.keySpan(i)
	prefix, suffix := l.text[:l.start], l.text[l.end:]
	switch {
	case value == "":
		prefix, suffix = strings.TrimRight(prefix, " \t"), ""
	case l.start == l.end:
		// "key =" had no value (prefix ends at the delimiter): drop the
		// blanks after it and write "key = v", or "key=v" when the line
		// has no blank before the delimiter.
		suffix = ""
		if j := len(prefix) - 2; j >= 0 && (prefix[j] == ' ' || prefix[j] == '\t') {
			prefix += " "
		}
	}
	newText := prefix + value + suffix
	if newText == l.text && span == i {
		return
	}
	l.text = newText
	if span > i {
		d.removeLines(i+1, span+1)
	} else {
		d.reanalyze()
	}
}

// keySpan returns the index of the last line belonging to key line i (its
// last continuation line), or i.
func (d *Document) keySpan(i int) int {
	last := i
	for j := i + 1; j < len(d.lines); j++ {
		l := d.lines[j]
		if l.kind == kindContinuation {
			last = j
			continue
		}
		if l.kind == kindBlank || l.kind == kindComment {
			continue
		}
		break
	}
	return last
}

// insertionPoint returns where a new key of section goes: after the last key
// line (with its continuation) of the section's last occurrence, else right
// after that occurrence's header. ref is the key line to copy style from, or
// nil.
func (d *Document) insertionPoint(section string) (at int, ref *line) {
	header := -1
	if idx := d.sections[section]; idx != nil {
		header = idx.headers[len(idx.headers)-1]
	}
	at = header + 1
	for i := header + 1; i < len(d.lines); i++ {
		l := d.lines[i]
		if l.kind == kindHeader {
			break
		}
		if l.kind == kindKey {
			ref = l
		}
		if l.kind == kindKey || l.kind == kindContinuation {
			at = i + 1
		}
	}
	return at, ref
}

// keyLine formats a new key line like ref (same indent and spacing around
// the delimiter), or like the file's other keys, or as "key = value".
func (d *Document) keyLine(ref *line, key, value string) string {
	indent, delim := "", " = "
	if ref == nil {
		for i := len(d.lines) - 1; i >= 0; i-- {
			if d.lines[i].kind == kindKey {
				ref = d.lines[i]
				break
			}
		}
	} else {
		indent = ref.text[:ref.indent]
	}
	if ref != nil {
		if i := strings.IndexAny(ref.text, "=:"); i >= 0 {
			before := ref.text[len(strings.TrimRight(ref.text[:i], " \t")):i]
			after := before // a ref with an empty value shows no blanks after "="
			if ref.start > i+1 {
				after = ref.text[i+1 : ref.start]
			}
			delim = before + "=" + after
		}
	}
	if value == "" {
		delim = strings.TrimRight(delim, " \t")
	}
	return indent + key + delim + value
}

// Unset removes key (every occurrence, with its nested block) from section
// and reports whether it was there.
func (d *Document) Unset(section, key string) bool {

	key = strings.ToLower(strings.TrimSpace(key))
	removed := false
	for {
		i := d.lastKeyLine(section, key)
		if i < 0 {
			return removed
		}
		d.removeLines(i, d.keySpan(i)+1)
		removed = true
	}
}

// AddSection appends "[name]" at the end of the file, after a blank line,
// and reports whether it was added (false if it exists or is invalid).
func (d *Document) AddSection(name string) bool {

	if msg := checkSectionName(name); msg != "" {
		d.refuse(&InvalidEditError{Section: name, Msg: msg})
		return false
	}
	if d.HasSection(name) {
		return false
	}
	var add []string
	if n := len(d.lines); n > 0 && d.lines[n-1].kind != kindBlank {
		add = append(add, "")
	}
	add = append(add, "["+name+"]")
	d.insertLines(len(d.lines), add)
	return true
}

// RenameSection renames every occurrence of section old to new, keeping the
// rest of each header line (spacing, trailing comment).
func (d *Document) RenameSection(old, new string) error {

	if msg := checkSectionName(new); msg != "" {
		return &InvalidEditError{Section: new, Msg: msg}
	}
	if !d.HasSection(old) {
		return &SectionNotFoundError{Section: old}
	}
	if old == new {
		return nil
	}
	if d.HasSection(new) {
		return &SectionExistsError{Section: new}
	}
	for _, l := range d.lines {
		if l.kind == kindHeader && l.section == old {
			l.text = l.text[:l.start] + new + l.text[l.end:]
		}
	}
	d.reanalyze()
	return nil
}

// DeleteSection removes every occurrence of section name: each header and
// the lines under it up to its last key line. Comments and blank lines after
// that belong to what follows and stay, except that one blank line is
// dropped where the removal would leave two blank runs side by side or a
// blank line at the end.
func (d *Document) DeleteSection(name string) bool {

	deleted := false
	for {
		idx := d.sections[name]
		if idx == nil {
			return deleted
		}
		header := idx.headers[len(idx.headers)-1]
		end := header + 1
		for i := header + 1; i < len(d.lines) && d.lines[i].kind != kindHeader; i++ {
			if k := d.lines[i].kind; k == kindKey || k == kindContinuation {
				end = i + 1
			}
		}
		blankBefore := header == 0 || d.lines[header-1].kind == kindBlank
		switch {
		case blankBefore && end < len(d.lines) && d.lines[end].kind == kindBlank:
			end++
		case end == len(d.lines) && header > 0 && d.lines[header-1].kind == kindBlank:
			header-- // the separator before a last section goes with it
		}
		d.removeLines(header, end)
		deleted = true
	}
}

// insertLines inserts texts before index at, with the file's terminator.
// A last line without a terminator gets one, and the new last line goes
// without, so a file that ended without a newline still does.
func (d *Document) insertLines(at int, texts []string) {
	added := make([]*line, len(texts))
	for i, t := range texts {
		added[i] = &line{text: t, eol: d.eol}
	}
	if at == len(d.lines) && at > 0 && d.lines[at-1].eol == "" {
		d.lines[at-1].eol = d.eol
		added[len(added)-1].eol = ""
	}
	d.lines = slices.Insert(d.lines, at, added...)
	d.reanalyze()
}

// removeLines removes lines [from, to). If that removes the last line and
// the file ended without a newline, the new last line loses its terminator.
func (d *Document) removeLines(from, to int) {
	removesLast := to == len(d.lines)
	noFinalEOL := len(d.lines) > 0 && d.lines[len(d.lines)-1].eol == ""
	d.lines = slices.Delete(d.lines, from, to)
	if removesLast && noFinalEOL && len(d.lines) > 0 {
		d.lines[len(d.lines)-1].eol = ""
	}
	d.reanalyze()
}

// reanalyze reclassifies the lines after an edit. An edit can move an
// indented header or key line under a key line with less indent, which would
// turn it into that key's continuation; such a line loses its indent, so it
// keeps meaning what it meant.
func (d *Document) reanalyze() {
	before := make(map[*line]lineKind, len(d.lines))
	for _, l := range d.lines {
		before[l] = l.kind
	}
	for {
		if err := d.analyze(); err != nil {
			// Edits only write well-formed lines; reaching this is a bug.
			panic("profiles: edit produced an unparsable line: " + err.Error())
		}
		fixed := false
		for _, l := range d.lines {
			if was, ok := before[l]; ok && l.kind == kindContinuation && (was == kindHeader || was == kindKey) {
				l.text = strings.TrimLeftFunc(l.text, isPySpace)
				fixed = true
			}
		}
		if !fixed {
			return
		}
	}
}
