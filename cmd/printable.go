package cmd

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// printable makes text that may come from a config file, a keyring or
// another tool (profile names, values, paths, AWS's and helpers' messages)
// safe to print for a person: every byte a terminal would act on instead of
// showing is written as a Go-style escape, so a hostile file cannot clear
// the screen, move the cursor, retitle the window or hide text (ESC
// sequences, \r, NUL, backspace, DEL, C1 controls, bidirectional overrides,
// invalid UTF-8). Newlines and tabs stay: messages are laid out with them,
// and no config value can hold a newline.
//
// It is the one escaping function: renderError applies it to every
// message and hint, and the human output of list, profile list, profile
// show, doctor and import to what they print. JSON output needs none
// (encoding/json escapes control characters itself).
func printable(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !needsEscape(r, size):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true // a byte that is no UTF-8
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f:
		return true // C0 controls (ESC, CR, NUL, BS, BEL, ...) and DEL
	case r >= 0x80 && r <= 0x9f:
		return true // C1 controls (CSI U+009B, OSC U+009D, ...)
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional controls, which reorder what follows
	}
	return false
}

// printableWriter passes everything written to it through printable. Each
// Write must hold whole runes, as every fmt.Fprint call's does.
type printableWriter struct{ w io.Writer }

func (p printableWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, printable(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// humanTable is the column layout of list and profile list: a tabwriter
// that is given printable text, so the columns are measured on what the
// terminal shows.
type humanTable struct{ tw *tabwriter.Writer }

func newHumanTable(w io.Writer) *humanTable {
	return &humanTable{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
}

func (t *humanTable) Write(b []byte) (int, error) { return printableWriter{t.tw}.Write(b) }

func (t *humanTable) Flush() error { return t.tw.Flush() }
