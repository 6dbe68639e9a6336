package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOtherToolsCredentialProcessAsSource: a profile whose credentials come
// from another tool's credential_process (no key stored) serves exec as is,
// and as the source of a role assumed on top of it.
func TestOtherToolsCredentialProcessAsSource(t *testing.T) {
	u := newUser(t, "file")
	nora := moto.CreateUser(t, "nora")
	roleARN := moto.CreateRole(t, "onsource", nora.ARN)
	tool := filepath.Join(u.home, "other-tool")
	script := fmt.Sprintf("#!/bin/sh\necho called >> %s.log\nprintf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}'\n",
		tool, nora.Key.AccessKeyID, nora.Key.SecretAccessKey)
	if err := os.WriteFile(tool, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	u.writeFile(".aws/config", fmt.Sprintf(`[profile sso]
credential_process = %s
[profile onsource]
source_profile = sso
role_arn = %s
[profile self]
credential_process = awskeep credential-process onsource
[profile broken]
credential_process = sh -c 'echo nope; exit 3'
`, tool, roleARN))

	r := u.ok("", "exec", "onsource", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(roleARN)+"/") {
		t.Errorf("role on another tool's credentials: %s", r.stdout)
	}
	r = u.ok("", "export", "sso", "--no-session")
	contains(t, "export", r.stdout, "AWS_ACCESS_KEY_ID='"+nora.Key.AccessKeyID+"'")

	// doctor knows where onsource's credentials come from.
	r = u.run("", nil, "doctor", "onsource")
	contains(t, "doctor", r.stdout, "sso gets its credentials from another tool")

	// A credential_process that runs awskeep itself is never followed; the
	// message names the profile to ask for.
	r = u.run("", nil, "export", "self")
	if r.code != 1 || !strings.Contains(r.stderr, "profile self is how other tools reach awskeep") || !strings.Contains(r.stderr, "awskeep export onsource") {
		t.Errorf("self-referencing credential_process: %d %s", r.code, r.stderr)
	}
	// A failing tool is named, with the way out.
	r = u.run("", nil, "export", "broken")
	if r.code != 1 || !strings.Contains(r.stderr, "the credential_process of profile broken") || !strings.Contains(r.stderr, "awskeep add broken") {
		t.Errorf("failing credential_process: %d %s", r.code, r.stderr)
	}
}
