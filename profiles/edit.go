package profiles

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ConfigSection is the config-file section of a profile: "default" for the
// default profile, else "profile NAME".
func ConfigSection(profile string) string {
	if profile == "default" {
		return "default"
	}
	return "profile " + profile
}

// CredentialsSection is the credentials-file section of a profile: its name.
func CredentialsSection(profile string) string { return profile }

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

	value = pyStrip(value) // as the AWS CLI will read it
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

	t := d.lineTable()
	if k, ok := d.lastKey(section, strings.ToLower(key)); ok {
		d.refuseBroken(section, key, value, d.replaceValue(t, k.line, value))
		return
	}
	start := d.src
	if !d.HasSection(section) {
		if !d.AddSection(section) {
			return
		}
		t = d.lineTable()
	}
	at, ref := insertionPoint(t, d.lastHeader(section))
	if err := d.insertLines(t, at, []string{d.keyLine(t, ref, key, value)}); err != nil {
		d.refuseBroken(section, key, value, err)
		d.restore(start) // without the section it added
	}
}

// restore puts back the text src (which parsed) after a refused edit.
func (d *Document) restore(src string) {
	d.src = src
	if d.index() != nil {
		panic("profiles: a document that parsed no longer does")
	}
}

// refuseBroken refuses an edit that rewrite undid (err from it).
func (d *Document) refuseBroken(section, key, value string, err error) {
	var perr *ParseError
	if errors.As(err, &perr) {
		d.refuse(&InvalidEditError{Section: section, Key: key, Value: value,
			Msg: fmt.Sprintf("the AWS CLI would refuse the file after it (line %d: %s)", perr.Line, perr.Msg)})
	}
}

// replaceValue swaps the value of key line i, dropping its continuation.
func (d *Document) replaceValue(t []line, i int, value string) error {
	l := t[i]
	text := l.text(d.src)
	span := keySpan(t, i)
	prefix, suffix := text[:l.start], text[l.end:]
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
	if newText == text && span == i {
		return nil
	}
	eol := l.eol(d.src)
	if span == len(t)-1 && t[span].eolLen == 0 {
		eol = "" // the file ended without a newline, and still does
	}
	return d.splice(t, i, span+1, []string{newText + eol}, true)
}

// keySpan returns the index of the last line belonging to key line i (its
// last continuation line), or i.
func keySpan(t []line, i int) int {
	last := i
	for j := i + 1; j < len(t); j++ {
		switch t[j].kind {
		case kindContinuation:
			last = j
			continue
		case kindBlank, kindComment:
			continue
		}
		break
	}
	return last
}

// insertionPoint returns where a new key of the section whose (last)
// header is line header goes: after its last key line (with its
// continuation), else right after the header. ref is the key line to copy
// style from, or -1.
func insertionPoint(t []line, header int) (at, ref int) {
	at, ref = header+1, -1
	for i := header + 1; i < len(t); i++ {
		l := t[i]
		if l.kind == kindHeader {
			break
		}
		if l.kind == kindKey {
			ref = i
		}
		if l.kind == kindKey || l.kind == kindContinuation {
			at = i + 1
		}
	}
	return at, ref
}

// keyLine formats a new key line like t[ref] (same indent and spacing
// around the delimiter), or like the file's other keys, or as "key = value".
func (d *Document) keyLine(t []line, ref int, key, value string) string {
	indent, delim := "", " = "
	if ref < 0 {
		for i := len(t) - 1; i >= 0; i-- {
			if t[i].kind == kindKey {
				ref = i
				break
			}
		}
	} else {
		indent = t[ref].text(d.src)[:t[ref].indent]
	}
	if ref >= 0 {
		r, text := t[ref], t[ref].text(d.src)
		if i := strings.IndexAny(text, "=:"); i >= 0 {
			before := text[len(strings.TrimRight(text[:i], " \t")):i]
			after := before // a ref with an empty value shows no blanks after "="
			if r.start > i+1 {
				after = text[i+1 : r.start]
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
	removed, start := false, d.src
	for {
		k, ok := d.lastKey(section, key)
		if !ok {
			return removed
		}
		t := d.lineTable()
		if err := d.removeLines(t, k.line, keySpan(t, k.line)+1); err != nil {
			d.refuseBroken(section, key, "", err)
			d.restore(start)
			return false
		}
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
	t := d.lineTable()
	var add []string
	if n := len(t); n > 0 && t[n-1].kind != kindBlank {
		add = append(add, "")
	}
	add = append(add, "["+name+"]")
	if err := d.insertLines(t, len(t), add); err != nil {
		d.refuseBroken(name, "", "", err)
		return false
	}
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
	t := d.lineTable()
	var b strings.Builder
	b.Grow(len(d.src) + len(new) - len(old))
	done := 0
	for _, l := range t {
		if l.kind == kindHeader && l.text(d.src)[l.start:l.end] == old {
			b.WriteString(d.src[done : l.at+l.start])
			b.WriteString(new)
			done = l.at + l.end
		}
	}
	b.WriteString(d.src[done:])
	if err := d.rewrite(b.String(), t, func(i int) int { return i }); err != nil {
		var perr *ParseError
		errors.As(err, &perr)
		return &InvalidEditError{Section: new,
			Msg: fmt.Sprintf("the AWS CLI would refuse the file after renaming [%s] (line %d: %s)", old, perr.Line, perr.Msg)}
	}
	return nil
}

// DeleteSection removes every occurrence of section name: each header and
// the lines under it up to its last key line. Comments and blank lines after
// that belong to what follows and stay, except that one blank line is
// dropped where the removal would leave two blank runs side by side or a
// blank line at the end.
func (d *Document) DeleteSection(name string) bool {

	deleted, start := false, d.src
	for {
		header := d.lastHeader(name)
		if header < 0 {
			return deleted
		}
		t := d.lineTable()
		end := header + 1
		for i := header + 1; i < len(t) && t[i].kind != kindHeader; i++ {
			if k := t[i].kind; k == kindKey || k == kindContinuation {
				end = i + 1
			}
		}
		blankBefore := header == 0 || t[header-1].kind == kindBlank
		switch {
		case blankBefore && end < len(t) && t[end].kind == kindBlank:
			end++
		case end == len(t) && header > 0 && t[header-1].kind == kindBlank:
			header-- // the separator before a last section goes with it
		}
		if err := d.removeLines(t, header, end); err != nil {
			d.refuseBroken(name, "", "", err)
			d.restore(start)
			return false
		}
		deleted = true
	}
}

// insertLines inserts texts before line at, with the file's terminator.
// A last line without a terminator gets one, and the new last line goes
// without, so a file that ended without a newline still does.
func (d *Document) insertLines(t []line, at int, texts []string) error {
	added := make([]string, len(texts))
	for i, text := range texts {
		added[i] = text + d.eol
	}
	if at == len(t) && at > 0 && t[at-1].eolLen == 0 {
		added[len(added)-1] = texts[len(texts)-1]
		return d.splice(t, at-1, at, append([]string{t[at-1].text(d.src) + d.eol}, added...), true)
	}
	return d.splice(t, at, at, added, false)
}

// removeLines removes lines [from, to). If that removes the last line and
// the file ended without a newline, the new last line loses its terminator.
func (d *Document) removeLines(t []line, from, to int) error {
	if to == len(t) && from > 0 && t[len(t)-1].eolLen == 0 {
		return d.splice(t, from-1, to, []string{t[from-1].text(d.src)}, true)
	}
	return d.splice(t, from, to, nil, false)
}

// splice replaces lines [from, to) of table t (the document's) with lines
// (each with its terminator). keep says that the first new line is old
// line from rewritten, for rewrite's check.
func (d *Document) splice(t []line, from, to int, lines []string, keep bool) error {
	start, end := len(d.src), len(d.src)
	if from < len(t) {
		start = t[from].at
	}
	if to < len(t) {
		end = t[to].at
	}
	n := start + len(d.src) - end
	for _, l := range lines {
		n += len(l)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(d.src[:start])
	for _, l := range lines {
		b.WriteString(l)
	}
	b.WriteString(d.src[end:])
	shift := len(lines) - (to - from)
	return d.rewrite(b.String(), t, func(k int) int {
		switch {
		case k < from:
			return k
		case k >= from+len(lines):
			return k - shift
		case keep && k == from:
			return k
		}
		return -1
	})
}

// rewrite makes src the document's text after an edit; old is the table
// before it and was maps a line of src to the old line it is (-1 for a new
// line). An edit can move an indented header or key line under a key line
// with less indent, which would turn it into that key's continuation; such
// a line loses its indent, so it keeps meaning what it meant.
//
// An edit can also make the AWS CLI refuse the file: a [DEFAULT] key whose
// nested block has a line without "=" counts once a section lacks that key
// of its own (botocore reads it for that section). Then the document stays
// as it was and rewrite returns the *ParseError.
func (d *Document) rewrite(src string, old []line, was func(int) int) error {
	before := d.src
	for {
		d.src = src
		if err := d.index(); err != nil {
			d.restore(before)
			return err
		}
		var b strings.Builder
		done, fixed := 0, false
		var sc scanner
		for at, k := 0, 0; at < len(src); k++ {
			text, _, next := nextLine(src, at)
			if sc.classify(text).kind == kindContinuation {
				if j := was(k); j >= 0 && (old[j].kind == kindHeader || old[j].kind == kindKey) {
					b.WriteString(src[done:at])
					done = at + len(text) - len(strings.TrimLeftFunc(text, isPySpace))
					fixed = true
				}
			}
			at = next
		}
		if !fixed {
			return nil
		}
		b.WriteString(src[done:])
		src = b.String()
	}
}

// ProfileNameRule says which names CheckProfileName accepts, for hints and docs.
const ProfileNameRule = "letters, digits and . _ - @ + = ,"

// CheckProfileName reports (as *InvalidNameError) a name awskeep will not
// create a profile under (add, profile set): it must be non-empty and use
// only ProfileNameRule's characters, which every AWS tool reads the same in
// "[profile NAME]" and every keyring can hold. Profiles under other names
// that are already in the files still work.
func CheckProfileName(name string) error {
	if name == "" {
		return &InvalidNameError{Name: name, Msg: "it is empty"}
	}
	for _, r := range name {
		if !profileNameRune(r) {
			what := fmt.Sprintf("it contains %q", r)
			if unicode.IsSpace(r) {
				what = "it contains blanks"
			}
			return &InvalidNameError{Name: name, Msg: what}
		}
	}
	return nil
}

func profileNameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@+=,", r)
}
