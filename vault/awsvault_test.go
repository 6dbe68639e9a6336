package vault

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

func TestReadAWSVaultFileStore(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".awsvault", "keys")
	keyringtest.WriteAWSVaultFileStore(t, dir, "av-pass", map[string]keyringtest.AWSVaultKey{
		"prod":   {AccessKeyID: "AKIAPRODEXAMPLE00001", SecretAccessKey: "prod-secret"},
		"dev":    {AccessKeyID: "AKIADEVEXAMPLE000001", SecretAccessKey: "dev-secret"},
		"ci.bot": {AccessKeyID: "AKIACIEXAMPLE0000001", SecretAccessKey: "ci-secret"},
	})
	env := map[string]string{"AWS_VAULT_BACKEND": "file"}
	cfg := AWSVaultConfigFromEnv(func(k string) string { return env[k] }, home)
	if cfg.FileDir != dir || cfg.SecretServiceCollection != "awsvault" || cfg.KeychainName != "aws-vault" {
		t.Fatalf("defaults: %+v", cfg)
	}
	asked := 0
	cfg.FilePassphrase = func(string) (Secret, error) { asked++; return "av-pass", nil }
	s, err := OpenAWSVault(cfg)
	if err != nil {
		t.Fatal(err)
	}
	names, err := s.Profiles()
	if err != nil || !slices.Equal(names, []string{"ci.bot", "dev", "prod"}) {
		t.Fatalf("Profiles = %v, %v (sessions and tokens must not be listed)", names, err)
	}
	if asked != 0 {
		t.Errorf("listing asked for the passphrase")
	}
	k, err := s.Key("prod")
	if err != nil || k.AccessKeyID != "AKIAPRODEXAMPLE00001" || k.SecretAccessKey.Reveal() != "prod-secret" || !k.SessionToken.IsZero() {
		t.Fatalf("Key = %+v, %v", k, err)
	}
	if _, err := s.Key("dev"); err != nil || asked != 1 {
		t.Errorf("second read: %v, asked %d times", err, asked)
	}
	var missing *AWSVaultNotFoundError
	if _, err := s.Key("nope"); !errors.As(err, &missing) || len(missing.Available) != 3 {
		t.Errorf("missing profile: %v", err)
	}
	if err := s.Remove("dev"); err != nil {
		t.Fatal(err)
	}
	if names, _ := s.Profiles(); !slices.Equal(names, []string{"ci.bot", "prod"}) {
		t.Errorf("after Remove: %v", names)
	}

	cfg.FilePassphrase = func(string) (Secret, error) { return "wrong", nil }
	s, err = OpenAWSVault(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var wrong *AWSVaultPassphraseError
	if _, err := s.Key("prod"); !errors.As(err, &wrong) || wrong.Dir != dir {
		t.Errorf("wrong passphrase gave %v", err)
	}
}

func TestAWSVaultGuessAndMissingStore(t *testing.T) {
	none := func(string) string { return "" }
	if g := AWSVaultGuess(none); g != BackendKeyctl && g != BackendKeychain && g != BackendWinCred {
		t.Errorf("guess without a session bus: %s", g)
	}
	home := t.TempDir()
	cfg := AWSVaultConfigFromEnv(func(k string) string {
		return map[string]string{"AWS_VAULT_BACKEND": "file"}[k]
	}, home)
	var be *AWSVaultBackendError
	if _, err := OpenAWSVault(cfg); !errors.As(err, &be) {
		t.Errorf("no ~/.awsvault/keys: %v", err)
	}
	cfg.Backend = "kwallet"
	if _, err := OpenAWSVault(cfg); !errors.As(err, &be) {
		t.Errorf("kwallet: %v", err)
	}
}
