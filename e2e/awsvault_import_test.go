package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

// TestImportFromAWSVault: three profiles move from a file keyring written
// the way aws-vault writes it; each is checked with STS, stored with its
// ARN, works through exec; aws-vault's copies stay until --remove; a wrong
// aws-vault passphrase is explained and imports nothing.
func TestImportFromAWSVault(t *testing.T) {
	u := newUser(t, "file")
	dir := filepath.Join(u.home, ".awsvault", "keys")
	keys := map[string]keyringtest.AWSVaultKey{}
	users := map[string]string{}
	for _, p := range []string{"prod", "dev", "ci"} {
		usr := moto.CreateUser(t, "av-"+p)
		keys[p] = keyringtest.AWSVaultKey{AccessKeyID: usr.Key.AccessKeyID, SecretAccessKey: usr.Key.SecretAccessKey}
		users[p] = usr.ARN
	}
	keyringtest.WriteAWSVaultFileStore(t, dir, "old-vault-pass", keys)
	u.writeFile(".aws/config", "[profile prod]\nregion = eu-west-1\n")
	av := []string{"AWS_VAULT_BACKEND=file", "AWS_VAULT_FILE_PASSPHRASE=old-vault-pass"}

	// A wrong passphrase: explained, nothing imported.
	r := u.run("", []string{"AWS_VAULT_BACKEND=file", "AWS_VAULT_FILE_PASSPHRASE=not-it"}, "profile", "import", "--from", "aws-vault")
	if r.code != 1 {
		t.Fatalf("wrong passphrase: exit %d\n%s", r.code, r.stderr)
	}
	contains(t, "stderr", r.stderr, "does not open aws-vault's file keyring in "+dir, "AWS_VAULT_FILE_PASSPHRASE", "aws-vault's passphrase")
	if strings.Contains(r.stderr, "not-it") {
		t.Errorf("the passphrase is echoed: %s", r.stderr)
	}
	if l := u.ok("", "list").stdout; strings.Contains(l, keys["prod"].AccessKeyID[16:]) {
		t.Errorf("something was imported with a wrong passphrase:\n%s", l)
	}

	r = u.run("", av, "profile", "import", "--from", "aws-vault")
	if r.code != 0 {
		t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
	}
	contains(t, "import", r.stderr, "Imported 3, skipped 0.", "aws-vault's copies are still")
	for p, k := range keys {
		contains(t, "import", r.stderr, "Imported "+p+": key ")
		if strings.Contains(r.stderr+r.stdout, k.SecretAccessKey) {
			t.Errorf("a secret was printed")
		}
		out := u.ok("", "exec", p, "--no-session", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text").stdout
		if strings.TrimSpace(out) != users[p] {
			t.Errorf("exec %s: caller %q, want %s", p, out, users[p])
		}
	}
	contains(t, "config", u.readFile(".aws/config"), "[profile dev]", "[profile ci]", "region = eu-west-1")
	show := u.ok("", "list").stdout
	contains(t, "list", show, "prod", "dev", "ci")

	// Importing again: nothing to do; --remove then takes aws-vault's copies.
	r = u.run("", av, "profile", "import", "--from", "aws-vault", "prod", "--remove")
	if r.code != 0 || !strings.Contains(r.stderr, "removed aws-vault's copy") {
		t.Fatalf("import --remove: exit %d\n%s", r.code, r.stderr)
	}
	r = u.run("", av, "profile", "import", "--from", "aws-vault", "prod")
	if r.code != 1 || !strings.Contains(r.stderr, "has no key for profile prod") {
		t.Errorf("aws-vault's copy of prod is still there: exit %d\n%s", r.code, r.stderr)
	}
}
