package cmd

import (
	"strings"
	"testing"
)

// TestCompletesProfileNames asks cobra's completion entry point (what the
// shell scripts call) for profile names.
func TestCompletesProfileNames(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	te.writeFile(t, ".aws/credentials", "[legacy]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = abc\n")
	for _, args := range [][]string{
		{"__complete", "exec", ""},
		{"__complete", "profile", "show", "pr"},
		{"__complete", "credential-process", ""},
	} {
		if code := te.run(args...); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, te.stderr)
		}
		got := te.stdout.String()
		for _, name := range []string{"base", "prod", "prod-admin", "legacy"} {
			if !strings.Contains(got, name+"\n") {
				t.Errorf("%v: completion lacks %s:\n%s", args, name, got)
			}
		}
		if !strings.Contains(got, ":4\n") { // ShellCompDirectiveNoFileComp
			t.Errorf("%v: file completion not turned off:\n%s", args, got)
		}
	}
}

// Completion offers the values of --format and --backend, and the keys of
// profile set (KEY= without a space after it; --unset the profile's keys).
func TestCompletesFlagValuesAndSetKeys(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	for _, tt := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"__complete", "export", "prod", "--format", ""}, []string{"env\n", "json\n", "ini\n", ":4\n"}},
		{[]string{"__complete", "list", "--backend", ""}, []string{"secret-service\n", "keyctl\n", "file\n", ":4\n"}},
		{[]string{"__complete", "profile", "set", "prod", ""}, []string{"region=\n", "role_arn=\n", "mfa_process=\n", ":6\n"}},
		{[]string{"__complete", "profile", "set", "prod", "--unset", ""}, []string{"role_arn\n", "source_profile\n", ":4\n"}},
	} {
		if code := te.run(tt.args...); code != 0 {
			t.Fatalf("%v: exit %d %s", tt.args, code, te.stderr)
		}
		mustContain(t, strings.Join(tt.args, " "), te.stdout.String(), tt.wants...)
	}
}
