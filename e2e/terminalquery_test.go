package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// ptySilent runs a command with stdin, stdout and stderr on a
// pseudo-terminal whose other end never answers (as a serial console, some
// multiplexers and editors' shells do not), and prints what the command wrote
// to the terminal. It kills the command after 30 s.
const ptySilent = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen, deadline = b"", time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
else:
    os.kill(pid, 9)
    seen += b"\n[ptySilent: killed after 30 s]"
os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
`

// TestNoTerminalQueryAtStart: a command that draws nothing interactive does
// not ask the terminal anything. bubbletea v1 (under huh v1, the picker)
// asked for the background colour and the cursor position from an init
// function in every run with a terminal on stdout, and waited 5 s for an
// answer a silent terminal never gives.
func TestNoTerminalQueryAtStart(t *testing.T) {
	u := newUser(t, "file")
	for _, args := range [][]string{{"version"}, {"profile", "list"}} {
		c := exec.Command("python3", append([]string{"-c", ptySilent, awskeepBin}, args...)...)
		c.Env = u.env
		out, err := c.Output()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		terminal := string(out)
		for _, query := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[6n", "\x1b[c"} {
			if strings.Contains(terminal, query) {
				t.Errorf("awskeep %s asked the terminal %q:\n%q", strings.Join(args, " "), query, terminal)
			}
		}
	}
}
