package cmd

import (
	"testing"
)

const ssoCmdConfig = `[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = Developer

[profile admin]
source_profile = dev
role_arn = arn:aws:iam::222222222222:role/admin
`

func TestProfileShowSSO(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", ssoCmdConfig)
	if code := te.run("profile", "show", "admin"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	mustContain(t, "output", te.stdout.String(),
		"1. dev (source: IAM Identity Center)",
		"account 111111111111, role Developer, portal https://d-1234567890.awsapps.com/start (eu-west-1)",
		"token file: ~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
		"2. admin (assume role)")

	te = newTestEnv(t)
	te.writeFile(t, ".aws/config", ssoCmdConfig)
	if code := te.run("profile", "show", "legacy"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	mustContain(t, "output", te.stdout.String(), "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json", "can never refresh")
}

func TestProfileSSOErrorsAndWarnings(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile p]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n")
	if code := te.run("profile", "show", "p"); code != exitFailure {
		t.Fatalf("exit %d", code)
	}
	mustContain(t, "stderr", te.stderr.String(), "config line 2", `The specified sso-session does not exist: "nope"`, "Add an [sso-session nope] section")

	te = newTestEnv(t)
	te.writeFile(t, ".aws/config", ssoCmdConfig)
	if code := te.run("profile", "set", "dev", "credential_process=awskeep credential-process dev"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "warning: profile dev has sso_* keys and credential_process")
}
