package e2e

import (
	"strings"
	"testing"
)

// TestNoTerminalQueryAtStart: a command that draws nothing interactive does
// not ask the terminal anything (here one that never answers, as a serial
// console, some multiplexers and editors' shells do not). bubbletea v1 (under huh v1, the picker)
// asked for the background colour and the cursor position from an init
// function in every run with a terminal on stdout, and waited 5 s for an
// answer a silent terminal never gives.
func TestNoTerminalQueryAtStart(t *testing.T) {
	u := newUser(t, "file")
	for _, args := range [][]string{{"version"}, {"profile", "list"}} {
		terminal, _, code := u.onPTY(t, nil, ptySpec{Silent: true}, args...)
		if code != 0 {
			t.Fatalf("awskeep %s: exit %d\n%q", strings.Join(args, " "), code, terminal)
		}
		for _, query := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[6n", "\x1b[c"} {
			if strings.Contains(terminal, query) {
				t.Errorf("awskeep %s asked the terminal %q:\n%q", strings.Join(args, " "), query, terminal)
			}
		}
	}
}
