package cmd

import (
	"testing"
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
