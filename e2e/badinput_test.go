package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestSessionBadInput: what the credential commands say for the mistakes
// people make, each with a way out.
func TestSessionBadInput(t *testing.T) {
	u := newUser(t, "file")
	jo := moto.CreateUser(t, "jo")
	u.ok(jo.Key.AccessKeyID+"\n"+jo.Key.SecretAccessKey+"\n", "add", "jo")
	u.ok("", "profile", "set", "nokey", "region=eu-west-1")
	u.writeFile(".aws/config", u.readFile(".aws/config")+"\n[profile orphan-role]\nrole_arn = arn:aws:iam::123456789012:role/x\n")

	cases := []struct {
		name  string
		env   []string
		args  []string
		code  int
		wants []string
	}{
		{"unknown profile", nil, []string{"exec", "joe", "--", "true"}, 1, []string{`no profile named "joe"`, "Did you mean: jo"}},
		{"no stored key", nil, []string{"credential-process", "nokey"}, 1, []string{"no key is stored for profile nokey", "awskeep add nokey"}},
		{"role without source", nil, []string{"export", "orphan-role"}, 1, []string{"no source_profile", "awskeep profile set orphan-role source_profile="}},
		{"duration too long", nil, []string{"export", "jo", "--duration", "40h"}, 1, []string{"40h"}},
		{"MFA without a way to ask", nil, []string{"export", "mfa"}, 1, []string{"needs an MFA code", "--mfa-token"}},
		{"STS unreachable", []string{"AWS_ENDPOINT_URL=http://127.0.0.1:9"}, []string{"export", "jo", "--refresh"}, 1, []string{"cannot reach AWS", "127.0.0.1:9"}},
		{"usage: no profile", []string{"AWS_PROFILE="}, []string{"export"}, 2, []string{"which profile?"}},
		{"usage: bad format", nil, []string{"export", "jo", "--format", "yaml"}, 2, []string{"--format must be export-env, env, json or ini"}},
	}
	u.ok("", "profile", "set", "mfa", "source_profile=jo", "mfa_serial=arn:aws:iam::123456789012:mfa/jo")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := u.run("", tc.env, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "awskeep: ") {
				t.Errorf("stderr does not start with 'awskeep: ': %q", r.stderr)
			}
			contains(t, "stderr", r.stderr, tc.wants...)
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
			t.Logf("%s answered in %s", tc.name, time.Since(start).Round(time.Millisecond))
		})
	}
}
