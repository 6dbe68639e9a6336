package cmd

import (
	"fmt"
	"io"
)

// clearLine returns to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// progressLine is a one-line status on a terminal's stderr ("checking
// profiles: 12 of 200"), redrawn in place, never on a pipe or a file.
type progressLine struct {
	w     io.Writer // nil when stderr is no terminal
	label string
	shown bool
}

func newProgressLine(s *ioStreams, label string) *progressLine {
	p := &progressLine{label: label}
	if s.stderrIsTerminal != nil && s.stderrIsTerminal() {
		p.w = s.ErrOut
	}
	return p
}

// show draws "label: done of total".
func (p *progressLine) show(done, total int) {
	if p.w == nil || total < 2 {
		return
	}
	fmt.Fprintf(p.w, clearLine+"%s: %d of %d", p.label, done, total)
	p.shown = true
}

// clear removes the line, so output can go where it was.
func (p *progressLine) clear() {
	if p.w == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, clearLine)
	p.shown = false
}
