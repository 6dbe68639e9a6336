package cmd

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/keyringtest"
	"github.com/awskeep/awskeep/sts"
)

// TestImportKeepsFileWhenKeyringFails: a key leaves the credentials file only
// after its keyring copy is stored and read back; a keyring that refuses
// (here: the file keyring under another passphrase) leaves the file as it was.
func TestImportKeepsFileWhenKeyringFails(t *testing.T) {
	te := newTestEnv(t)
	creds := "# keep me\n[a]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA1\naws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" +
		"[b]\naws_access_key_id = AKIABBBBBBBBBBBBBBB2\naws_secret_access_key = bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	te.writeFile(t, ".aws/credentials", creds)
	// Create the file keyring under one passphrase ...
	if code := te.run("add", "other", "--no-verify"); code != 1 { // stdin is empty: fails before storing
		t.Fatalf("add with no input: exit %d", code)
	}
	te.stdin.WriteString("AKIAOTHEROTHEROTHER3\n" + "cccccccccccccccccccccccccccccccccccccccc\n")
	if code := te.run("add", "other", "--no-verify"); code != 0 {
		t.Fatalf("add: exit %d %s", code, te.stderr)
	}
	// ... and import under another.
	te.env["AWSKEEP_FILE_PASSPHRASE"] = "a different passphrase"
	if code := te.run("profile", "import"); code != 1 {
		t.Fatalf("import with a wrong passphrase: exit %d %s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "wrong passphrase")
	if got := te.readFile(t, ".aws/credentials"); got != creds {
		t.Errorf("credentials changed although nothing was stored:\n%s", got)
	}
	// With the right passphrase both move, and the comment stays.
	te.env["AWSKEEP_FILE_PASSPHRASE"] = "test-passphrase"
	if code := te.run("profile", "import"); code != 0 {
		t.Fatalf("import: exit %d %s", code, te.stderr)
	}
	if got, want := te.readFile(t, ".aws/credentials"), "# keep me\n[a]\n[b]\n"; got != want {
		t.Errorf("credentials after import = %q, want %q", got, want)
	}
}

// TestImportGoesOnPastMalformedProfiles: a profile whose key cannot be
// imported (half a pair, a key ID or secret that cannot be one, an unknown
// name) is reported with where and why, the others are imported, and the
// command ends with a summary and exit 1.
func TestImportGoesOnPastMalformedProfiles(t *testing.T) {
	te := newTestEnv(t)
	const secret = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	creds := "[good]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA1\naws_secret_access_key = " + secret + "\n" + // 1-3
		"[nosecret]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA2\n" + // 4-5
		"[badid]\naws_access_key_id = not-a-key\naws_secret_access_key = " + secret + "\n" + // 6-8
		"[shortsecret]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA3\naws_secret_access_key = short\n" + // 9-11
		"[temp]\naws_access_key_id = ASIAAAAAAAAAAAAAAAA4\naws_secret_access_key = " + secret + "\naws_session_token = tok\n" + // 12-15
		"[good2]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA5\naws_secret_access_key = " + secret + "\n" // 16-18
	path := te.writeFile(t, ".aws/credentials", creds)
	if code := te.run("profile", "import"); code != exitFailure {
		t.Fatalf("import: exit %d, want 1\n%s", code, te.stderr)
	}
	out := te.stderr.String()
	mustContain(t, "stderr", out,
		"Imported good: key", "Imported good2: key",
		"Skipped nosecret ("+path+":5): aws_access_key_id has no aws_secret_access_key",
		"Skipped badid ("+path+":7): \"not-a-key\" is not an access key ID",
		"Skipped shortsecret ("+path+":11): the secret access key is too short",
		"Nothing to import for temp: it holds temporary credentials",
		"Imported 2, skipped 3, nothing to import for 1.",
		"awskeep: 3 profiles not imported (badid, nosecret, shortsecret), 2 imported",
		"awskeep profile import badid nosecret shortsecret",
		"'awskeep exec good -- COMMAND'", "credential_process = awskeep credential-process good")
	if strings.Contains(out, "PROFILE") {
		t.Errorf("a placeholder instead of a profile name:\n%s", out)
	}
	got := te.readFile(t, ".aws/credentials")
	for _, gone := range []string{"AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA5"} {
		if strings.Contains(got, gone) {
			t.Errorf("imported key %s is still in the file:\n%s", gone, got)
		}
	}
	for _, stays := range []string{"AKIAAAAAAAAAAAAAAAA2", "not-a-key", "AKIAAAAAAAAAAAAAAAA3", "ASIAAAAAAAAAAAAAAAA4", "aws_session_token = tok"} {
		if !strings.Contains(got, stays) {
			t.Errorf("skipped %s left the file:\n%s", stays, got)
		}
	}
	if code := te.run("list"); code != 0 || !strings.Contains(te.stdout.String(), "good2") {
		t.Errorf("list after import: exit %d\n%s%s", code, te.stdout, te.stderr)
	}

	// Named profiles: an unknown one is a skip too, and the rest go on.
	te.writeFile(t, ".aws/credentials", "[third]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA6\naws_secret_access_key = "+secret+"\n")
	if code := te.run("profile", "import", "nonesuch", "third"); code != exitFailure {
		t.Fatalf("import nonesuch third: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "Skipped nonesuch: no profile named \"nonesuch\"", "Imported third: key", "Imported 1, skipped 1.")

	// Nothing wrong: exit 0, with the summary.
	te.writeFile(t, ".aws/credentials", "[fourth]\naws_access_key_id = AKIAAAAAAAAAAAAAAAA7\naws_secret_access_key = "+secret+"\n")
	if code := te.run("profile", "import"); code != 0 {
		t.Fatalf("import fourth: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "Imported 1, skipped 0.")
}

// TestImportFromAWSVaultGoesOnPastBadKeys: the aws-vault path reports and
// counts the same way: a key that fails the checks is skipped (exit 1),
// one awskeep already holds is nothing to import, the rest move.
func TestImportFromAWSVaultGoesOnPastBadKeys(t *testing.T) {
	te := newTestEnv(t)
	const secret = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	keyringtest.WriteAWSVaultFileStore(t, filepath.Join(te.home, ".awsvault", "keys"), "av-pass", map[string]keyringtest.AWSVaultKey{
		"good":  {AccessKeyID: "AKIABBBBBBBBBBBBBBB1", SecretAccessKey: secret},
		"badid": {AccessKeyID: "AKIA-short", SecretAccessKey: secret},
		"held":  {AccessKeyID: "AKIABBBBBBBBBBBBBBB2", SecretAccessKey: secret},
	})
	te.stdin.WriteString("AKIABBBBBBBBBBBBBBB2\n" + secret + "\n")
	if code := te.run("add", "held", "--no-verify"); code != 0 {
		t.Fatalf("add held: exit %d %s", code, te.stderr)
	}
	te.env["AWS_VAULT_BACKEND"] = "file"
	te.env["AWS_VAULT_FILE_PASSPHRASE"] = "av-pass"
	root := newRootCmd(te.f)
	for _, c := range root.Commands() {
		if c.Name() == "profile" {
			for _, sub := range c.Commands() {
				if sub.Name() == "import" {
					c.RemoveCommand(sub)
				}
			}
			c.AddCommand(newProfileImportCmd(te.f, func(ctx context.Context, o *profileImportOptions) error {
				o.verify = func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error) {
					return sts.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/u", UserName: "u"}, nil
				}
				o.keyCreated = func(context.Context, sts.ClientConfig, sts.StaticKey, string) (time.Time, error) {
					return time.Time{}, nil
				}
				return runProfileImport(ctx, o)
			}))
		}
	}
	te.stderr.Reset()
	root.SetArgs([]string{"profile", "import", "--from", "aws-vault"})
	code := renderError(te.stderr, root.ExecuteContext(context.Background()))
	if code != exitFailure {
		t.Fatalf("import --from aws-vault: exit %d, want 1\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(),
		"Imported good: key",
		"Skipped badid: \"AKIA-short\" is not an access key ID",
		"'awskeep exec good CMD'", "'aws-vault remove good' for each",
		"Nothing to import for held: awskeep already holds this key.",
		"Imported 1, skipped 1, nothing to import for 1.",
		"awskeep: 1 profile not imported (badid), 1 imported; the skipped keys stay in aws-vault's keyring",
		"awskeep profile import --from aws-vault badid")
}
