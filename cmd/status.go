package cmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// waitStatusDelay is how long a wait lasts before it is shown: shorter
// ones (a warm cache, a quick STS call) leave the terminal alone.
const waitStatusDelay = time.Second

// statusLine says on a terminal's stderr what a command waits for ("asking
// AWS STS for a session for prod…"), once the wait has lasted
// waitStatusDelay, and clears it when the wait ends, so whatever is printed
// next starts on a clean line. It never writes to a pipe or a file (under
// credential_process the calling tool captures stderr), nor under --debug,
// whose events say the same.
//
// sts and vault report their waits through its waiting method (they
// never know about terminals); several waits may overlap (doctor's checks):
// the newest one that is due is shown.
type statusLine struct {
	w     io.Writer  // nil: never shown
	width func() int // terminal columns; nil or 0: 80
	after afterFunc  // the timer; tests pass a fake
	mu    sync.Mutex
	waits []*statusWait // in progress, oldest first
	shown *statusWait
	muted bool
}

// afterFunc runs f after d unless stop is called first (time.AfterFunc).
type afterFunc func(d time.Duration, f func()) (stop func() bool)

func realAfter(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

type statusWait struct {
	what string
	due  bool // it has lasted waitStatusDelay
}

// newStatusLine is the status line of streams s: live only when stderr is
// a terminal and log (--debug) is not writing there.
func newStatusLine(s *ioStreams, log *slog.Logger, after afterFunc) *statusLine {
	l := &statusLine{after: after, width: s.stderrWidth}
	if l.after == nil {
		l.after = realAfter
	}
	debug := log != nil && log.Enabled(context.Background(), slog.LevelDebug)
	if s.stderrIsTerminal != nil && s.stderrIsTerminal() && !debug {
		l.w = s.ErrOut
	}
	return l
}

// waiting starts a wait for what; done ends it, clearing its line if it
// was shown. done may be called more than once.
func (l *statusLine) waiting(what string) (done func()) {
	if l == nil || l.w == nil {
		return func() {}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.muted {
		return func() {}
	}
	w := &statusWait{what: what}
	l.waits = append(l.waits, w)
	stop := l.after(waitStatusDelay, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if slices.Contains(l.waits, w) {
			w.due = true
			l.draw()
		}
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			stop()
			l.mu.Lock()
			defer l.mu.Unlock()
			l.waits = slices.DeleteFunc(l.waits, func(x *statusWait) bool { return x == w })
			if l.shown == w {
				l.clearLocked()
			}
			l.draw()
		})
	}
}

// mute clears the line and shows nothing from now on: a child owns the
// terminal (exec), or another progress line is there (doctor).
func (l *statusLine) mute() {
	if l == nil || l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
	l.muted = true
}

// writer is w with the status line cleared before each write, for the
// output of helpers that run while a wait may be shown (mfa_process,
// another tool's credential_process). A wait cleared this way is not drawn
// again: the helper's output may be a question to the user.
func (l *statusLine) writer(w io.Writer) io.Writer {
	if l == nil || l.w == nil {
		return w
	}
	return clearingWriter{l: l, w: w}
}

type clearingWriter struct {
	l *statusLine
	w io.Writer
}

func (c clearingWriter) Write(p []byte) (int, error) {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	if c.l.shown != nil {
		c.l.shown.due = false
		c.l.clearLocked()
	}
	return c.w.Write(p)
}

// draw shows the newest due wait, if it is not shown already.
func (l *statusLine) draw() {
	if l.muted {
		return
	}
	var next *statusWait
	for _, w := range slices.Backward(l.waits) {
		if w.due {
			next = w
			break
		}
	}
	if next == nil || next == l.shown {
		return
	}
	// Profile names come from the config: escape what a terminal would obey.
	fmt.Fprint(l.w, clearLine+fitLine(printable(next.what)+"…", l.columns()))
	l.shown = next
}

func (l *statusLine) clearLocked() {
	if l.shown != nil {
		fmt.Fprint(l.w, clearLine)
		l.shown = nil
	}
}

func (l *statusLine) columns() int {
	if l.width != nil {
		if n := l.width(); n > 0 {
			return n
		}
	}
	return 80
}

// fitLine cuts s to fewer than columns characters, so the line never wraps
// (a wrapped line could not be cleared with one carriage return).
func fitLine(s string, columns int) string {
	if columns < 2 || utf8.RuneCountInString(s) < columns {
		return s
	}
	r := []rune(s)
	return string(r[:columns-2]) + "…"
}
