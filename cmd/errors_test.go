package cmd

import (
	"strings"
	"testing"
	"time"
)

// TestUsageErrorsExit2: command-line mistakes exit 2 with a pointer to help;
// nothing is opened for them.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"list", "--no-such-flag"},
		{"remove"},
		{"profile", "show", "a", "b"},
		{"exec", "a", "--no-such-flag", "b"},
	} {
		te := newTestEnv(t)
		te.env["AWSKEEP_BACKEND"] = "no-such-backend" // opening a keyring would fail differently
		if code := te.run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), "awskeep: ", "--help")
	}
}

// A mistyped subcommand, under the root or a group or help, is a usage
// error with the closest names, never a help page and exit 0.
func TestMistypedSubcommandSuggests(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		suggest string
	}{
		{[]string{"lsit"}, "did you mean 'awskeep list'?"},
		{[]string{"profile", "imprt"}, "did you mean 'awskeep profile import'?"},
		{[]string{"sso", "logn"}, "did you mean 'awskeep sso login'?"},
		{[]string{"completion", "tcsh"}, `unknown command "tcsh" for "awskeep completion"`},
		{[]string{"help", "nonexistent"}, `unknown command "nonexistent" for "awskeep"`},
		{[]string{"help", "profile", "shwo"}, "did you mean 'awskeep profile show'?"},
	} {
		te := newTestEnv(t)
		if code := te.run(tt.args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", tt.args, code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), tt.suggest)
	}
	te := newTestEnv(t)
	if code := te.run("help", "profile"); code != 0 {
		t.Errorf("help profile: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stdout", te.stdout.String(), "awskeep profile [command]")
}

func TestArgumentCountWords(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("profile", "show", "a", "b", "c"); code != exitUsage {
		t.Fatalf("exit %d\n%s", code, te.stderr)
	}
	if s := te.stderr.String(); !strings.Contains(s, "(got 3 arguments)") {
		t.Errorf("stderr = %q, want (got 3 arguments)", s)
	}
	if code := te.run("clear", "a", "b"); code != exitUsage {
		t.Fatalf("exit %d\n%s", code, te.stderr)
	}
	if s := te.stderr.String(); strings.Contains(s, "1 arguments") {
		t.Errorf("stderr = %q", s)
	}
}

func TestHumanDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		11*time.Hour + 59*time.Minute + 10*time.Second: "11 h 59 min",
		time.Hour:                      "1 h 0 min",
		5*time.Minute + 20*time.Second: "5 min",
		40 * time.Second:               "40 s",
		0:                              "0 s",
	} {
		if got := humanLeft(d); got != want {
			t.Errorf("humanLeft(%v) = %q, want %q", d, got, want)
		}
	}
	if got := humanAge(time.Second); got != "1 second" {
		t.Errorf("humanAge(1s) = %q", got)
	}
}
