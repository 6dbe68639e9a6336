package cmd

import (
	"io"
	"os"

	"golang.org/x/term"
)

// ioStreams are the standard streams a command reads and writes, injected so
// commands run in tests without a terminal.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// stdinIsTerminal reports whether In is an interactive terminal.
	stdinIsTerminal func() bool
	// stderrIsTerminal reports whether ErrOut is a terminal, where progress
	// and status lines may go. nil means no.
	stderrIsTerminal func() bool
	// stderrWidth is the terminal's width in columns; nil or 0 means unknown.
	stderrWidth func() int
	// openTTY opens the controlling terminal for prompts. Prompts go there, not
	// to stdout, so they work under credential_process where stdout belongs to
	// the caller. It fails on a machine with no terminal.
	openTTY func() (io.ReadWriteCloser, error)
	// outWidth is Out's width in columns when it is a terminal, else 0
	// (nil means 0): output for a terminal fits it, other output is never
	// cut or wrapped.
	outWidth func() int
}

// width is Out's terminal width, 0 when Out is no terminal.
func (s *ioStreams) width() int {
	if s.outWidth == nil {
		return 0
	}
	return s.outWidth()
}

func systemStreams() *ioStreams {
	return &ioStreams{
		In:               os.Stdin,
		Out:              os.Stdout,
		ErrOut:           os.Stderr,
		stdinIsTerminal:  func() bool { return term.IsTerminal(int(os.Stdin.Fd())) },
		stderrIsTerminal: func() bool { return term.IsTerminal(int(os.Stderr.Fd())) },
		stderrWidth: func() int {
			w, _, err := term.GetSize(int(os.Stderr.Fd()))
			if err != nil {
				return 0
			}
			return w
		},
		openTTY: func() (io.ReadWriteCloser, error) {
			return os.OpenFile("/dev/tty", os.O_RDWR, 0)
		},
		outWidth: func() int {
			if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && term.IsTerminal(int(os.Stdout.Fd())) {
				return w
			}
			return 0
		},
	}
}
