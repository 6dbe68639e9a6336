package profiles

import (
	"os"
	"testing"
)

func TestRunsAwskeep(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"awskeep credential-process prod":                   true,
		"/usr/local/bin/awskeep credential-process prod":    true,
		`"C:\Tools\awskeep.exe" credential-process prod`:    true,
		self + " credential-process prod":                   true,
		"aws-vault export --format=json prod":               false,
		"op plugin run -- aws configure export-credentials": false,
		"": false,
	}
	for cmd, want := range cases {
		if got := RunsAwskeep(cmd); got != want {
			t.Errorf("RunsAwskeep(%q) = %v, want %v", cmd, got, want)
		}
	}
}

func TestSecretAndCredentialKeys(t *testing.T) {
	for _, k := range []string{"aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", " Aws_Session_Token ", "aws_security_token"} {
		if !IsSecretKey(k) || !IsCredentialKey(k) {
			t.Errorf("%q: IsSecretKey=%v IsCredentialKey=%v, want both", k, IsSecretKey(k), IsCredentialKey(k))
		}
	}
	for _, k := range []string{"aws_access_key_id", "AWS_ACCESS_KEY_ID"} {
		if IsSecretKey(k) || !IsCredentialKey(k) {
			t.Errorf("%q: IsSecretKey=%v IsCredentialKey=%v, want only a credential key", k, IsSecretKey(k), IsCredentialKey(k))
		}
	}
	for _, k := range []string{"region", "role_arn", "aws_secret", ""} {
		if IsSecretKey(k) || IsCredentialKey(k) {
			t.Errorf("%q counted as a credential key", k)
		}
	}
}
