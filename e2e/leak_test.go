package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretStaysInKeyring runs every command that handles a stored key but
// is not meant to print it (with --debug), then searches the outputs and every
// file under HOME and TMPDIR for the secret: it must be nowhere but in the
// keyring's own encrypted storage.
func TestSecretStaysInKeyring(t *testing.T) {
	for _, backend := range linuxBackends {
		t.Run(backend, func(t *testing.T) {
			u := newUser(t, backend)
			erin := moto.CreateUser(t, "erin")
			moto.AllowUser(t, erin, "iam:ListAccessKeys")
			secret := erin.Key.SecretAccessKey
			roleARN := moto.CreateRole(t, "leakcheck", erin.ARN)

			var outputs []string
			record := func(r result) { outputs = append(outputs, r.stdout, r.stderr) }
			record(u.ok(erin.Key.AccessKeyID+"\n"+secret+"\n", "--debug", "add", "erin"))
			record(u.ok("", "--debug", "profile", "set", "erin-role", "source_profile=erin", "role_arn="+roleARN))
			record(u.ok("", "--debug", "list"))
			record(u.ok("", "--debug", "list", "--json"))
			record(u.ok("", "--debug", "profile", "list"))
			record(u.ok("", "--debug", "profile", "show", "erin-role"))
			record(u.ok("", "--debug", "exec", "erin-role", "--", "true"))
			record(u.ok("", "--debug", "clear"))
			// import of a second key from the plain-text file
			frank := moto.CreateUser(t, "frank")
			u.writeFile(".aws/credentials", fmt.Sprintf("[frank]\naws_access_key_id = %s\naws_secret_access_key = %s\n", frank.Key.AccessKeyID, frank.Key.SecretAccessKey))
			record(u.ok("", "--debug", "profile", "import"))
			record(u.ok("", "--debug", "remove", "erin", "--force"))

			for i, out := range outputs {
				for _, s := range []string{secret, frank.Key.SecretAccessKey} {
					if strings.Contains(out, s) {
						t.Errorf("output %d contains a secret:\n%s", i, out)
					}
				}
			}
			err := filepath.WalkDir(u.home, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !d.Type().IsRegular() {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, s := range []string{secret, frank.Key.SecretAccessKey} {
					if strings.Contains(string(b), s) {
						t.Errorf("%s holds a secret in plain text", path)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
