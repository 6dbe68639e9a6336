package cmd

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestChildEnv(t *testing.T) {
	parent := []string{
		"PATH=/bin", "HOME=/h", "AWS_PROFILE=other", "AWS_DEFAULT_PROFILE=x", "AWS_ACCESS_KEY_ID=AKIAOLD",
		"AWS_SECRET_ACCESS_KEY=old", "AWS_SESSION_TOKEN=old", "AWS_SECURITY_TOKEN=old", "AWSKEEP_FILE_PASSPHRASE=pw",
		"AWSKEEP_BACKEND=file", "AWS_REGION=us-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://x",
	}
	cases := []struct {
		name, region string
		want         []string
	}{
		{"region known", "eu-west-1", []string{"PATH=/bin", "HOME=/h", "AWSKEEP_BACKEND=file", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1", "AWSKEEP=prod"}},
		{"no region configured", "", []string{"PATH=/bin", "HOME=/h", "AWSKEEP_BACKEND=file", "AWS_REGION=us-west-1", "AWSKEEP=prod"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := childEnv(parent, "prod", tc.region)
			if !slices.Equal(got, tc.want) {
				t.Errorf("childEnv =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// exec exits as a shell would when the command cannot start: 127 for a
// command that is not there, 126 for one that is not executable.
func TestExecCommandNotFoundOrNotExecutable(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile p]\nregion = us-east-1\n")
	if code := te.run("exec", "p", "--", "awskeep-no-such-command-xyz"); code != 127 {
		t.Errorf("missing command: exit %d, want 127\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "awskeep-no-such-command-xyz: command not found")

	te = newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile p]\nregion = us-east-1\n")
	te.writeFile(t, "script", "echo hi\n") // 0600: not executable
	if code := te.run("exec", "p", "--", filepath.Join(te.home, "script")); code != 126 {
		t.Errorf("not executable: exit %d, want 126\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "cannot execute it (permission denied)", "chmod +x")
}
