// Package linemodel is the reading and editing of the shared files as
// package profiles did it until the document kept its text whole: one
// struct per line, every line classified at parse time. It is kept, unused
// by any command, as the oracle that profiles' differential test compares
// the current document with (parse errors, values, edits byte for byte).
//
// Bugs fixed in profiles are fixed here too, so that the two still agree:
// the indent of a line an edit would turn into a continuation is stripped
// of every blank Python strips (" \t" alone could loop for ever), a key
// with such blanks around it is refused, and so are names, keys and values
// that are not UTF-8.
package linemodel

import "fmt"

// ParseError is profiles.ParseError without File.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// SectionNotFoundError and SectionExistsError are RenameSection's refusals.
type SectionNotFoundError struct{ Section string }

func (e *SectionNotFoundError) Error() string { return "no section " + e.Section }

type SectionExistsError struct{ Section string }

func (e *SectionExistsError) Error() string { return "section exists: " + e.Section }

// KeyValues returns, for each key line in file order, its section, key and value as read.
func (d *Document) KeyValues() [][3]string {
	var out [][3]string
	for i, l := range d.lines {
		if l.kind == kindKey {
			out = append(out, [3]string{l.section, l.key, valueOf(l, d.lines, i)})
		}
	}
	return out
}
