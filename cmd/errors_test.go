package cmd

import "testing"

// TestUsageErrorsExit2: command-line mistakes exit 2 with a pointer to help;
// nothing is opened for them.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"list", "--no-such-flag"},
		{"remove"},
		{"profile", "show", "a", "b"},
		{"exec", "a", "b"},
	} {
		te := newTestEnv(t)
		te.env["AWSKEEP_BACKEND"] = "no-such-backend" // opening a keyring would fail differently
		if code := te.run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), "awskeep: ", "--help")
	}
}
