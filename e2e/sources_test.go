package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
)

// TestWebIdentityProfile: web_identity_token_file + role_arn, and a role
// on top; the token file is read on every cold call (a rotated token is
// sent), and an expired token is explained without showing it.
func TestWebIdentityProfile(t *testing.T) {
	u := newUser(t, "file")
	roleARN := moto.CreateWebIdentityRole(t, "wi", "sts:AssumeRole")
	target := moto.CreateRole(t, "onwi", "arn:aws:sts::123456789012:assumed-role/"+roleName(roleARN)+"/awskeep-ci")
	tokenFile := filepath.Join(u.home, "token")
	u.writeFile("token", moto.NewIdentityToken(t, roleARN))
	u.writeFile(".aws/config", fmt.Sprintf(`[profile ci]
web_identity_token_file = %s
role_arn = %s
[profile deploy]
source_profile = ci
role_arn = %s
`, tokenFile, roleARN, target))
	r := u.ok("", "exec", "ci", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.HasSuffix(strings.TrimSpace(r.stdout), ":assumed-role/"+roleName(roleARN)+"/awskeep-ci") {
		t.Errorf("web identity: %s", r.stdout)
	}
	r = u.ok("", "exec", "deploy", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(target)+"/") {
		t.Errorf("role on web identity: %s", r.stdout)
	}

	// The environment alone (as EKS sets it) serves a profile with nothing
	// of its own, and overrides the profile's file and role.
	u.writeFile(".aws/config", u.readFile(".aws/config")+"[profile bare]\nregion = us-east-1\n")
	wiEnv := []string{"AWS_WEB_IDENTITY_TOKEN_FILE=" + tokenFile, "AWS_ROLE_ARN=" + roleARN, "AWS_ROLE_SESSION_NAME=from-env"}
	r = u.run("", wiEnv, "exec", "bare", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if r.code != 0 || !strings.HasSuffix(strings.TrimSpace(r.stdout), ":assumed-role/"+roleName(roleARN)+"/from-env") {
		t.Errorf("web identity from the environment: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// A rotated token is read at the next cold call; an expired one is
	// explained (exp from the token), exit 3, and never printed.
	u.ok("", "clear")
	expired := moto.NewIdentityToken(t, roleARN)
	moto.RegisterIdentityToken(t, expired, awstest.TokenOutcome{RoleARN: roleARN, Error: awstest.TokenExpired})
	u.writeFile("token", expired)
	r = u.run("", nil, "export", "ci")
	if r.code != 3 || !strings.Contains(r.stderr, "the web identity token in "+tokenFile+" has expired") || !strings.Contains(r.stderr, "issuer https://oidc.awstest.invalid") {
		t.Errorf("expired token: %d %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, expired) {
		t.Error("the token was printed")
	}
}

// TestCredentialSourceEnvironment: a role assumed with the key in the
// environment (credential_source = Environment); the child sees the role
// session only.
func TestCredentialSourceEnvironment(t *testing.T) {
	u := newUser(t, "file")
	env := moto.CreateUser(t, "envkey")
	roleARN := moto.CreateRole(t, "fromenv", env.ARN)
	u.writeFile(".aws/config", fmt.Sprintf("[profile fromenv]\ncredential_source = Environment\nrole_arn = %s\n", roleARN))
	r := u.run("", env.Key.Env(), "exec", "fromenv", "--", "sh", "-c", "aws sts get-caller-identity --query Arn --output text; echo key=$AWS_ACCESS_KEY_ID")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(roleARN)+"/") || strings.Contains(r.stdout, "key="+env.Key.AccessKeyID) {
		t.Errorf("credential_source = Environment: %s", r.stdout)
	}
	r = u.run("", nil, "export", "fromenv")
	if r.code != 1 || !strings.Contains(r.stderr, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set") {
		t.Errorf("without the variables: %d %s", r.code, r.stderr)
	}
}
