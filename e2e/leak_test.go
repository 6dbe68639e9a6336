package e2e

import (
	"fmt"
	"github.com/awskeep/awskeep/internal/awstest"
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

// TestSSOSecretsStayPut: the SSO access token, refresh token and client
// secret appear in no output, no log and no file but the token file the
// AWS CLI shares (and, with AWSKEEP_SSO_TOKENS=keyring, in no file at all).
func TestSSOSecretsStayPut(t *testing.T) {
	for _, store := range []string{"file", "keyring"} {
		t.Run(store, func(t *testing.T) {
			u := newSSOUser(t, awstest.SSOOptions{AutoApprove: true})
			u.env = append(u.env, "AWSKEEP_SSO_TOKENS="+store)
			var outputs []string
			record := func(r result) { outputs = append(outputs, r.stdout, r.stderr) }
			for _, args := range [][]string{
				{"--debug", "sso", "login", "dev"},
				{"--debug", "exec", "dev", "--", "true"},
				{"--debug", "list"},
				{"--debug", "list", "--json"},
				{"--debug", "profile", "show", "dev"},
				{"--debug", "doctor", "dev"},
				{"--debug", "clear"},
				{"--debug", "credential-process", "dev"},
			} {
				r := u.run("", headless, args...)
				if r.code != 0 && args[1] != "doctor" {
					t.Fatalf("awskeep %v: %d %s", args, r.code, r.stderr)
				}
				record(r)
			}
			tok := u.fake.LastToken()
			secrets := []string{tok.AccessToken, tok.RefreshToken, tok.ClientSecret}
			for i, out := range outputs {
				for _, s := range secrets {
					if s != "" && strings.Contains(out, s) {
						t.Errorf("output %d holds an SSO secret:\n%s", i, out)
					}
				}
			}
			err := filepath.WalkDir(u.home, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !d.Type().IsRegular() {
					return err
				}
				if store == "file" && path == u.tokenFile() {
					return nil // the file the AWS CLI and SDKs share, by design
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, s := range secrets {
					if s != "" && strings.Contains(string(data), s) {
						t.Errorf("%s holds an SSO secret in plain text", path)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if store == "keyring" {
				if _, err := os.Stat(u.tokenFile()); !os.IsNotExist(err) {
					t.Errorf("the keyring store wrote the token file: %v", err)
				}
			} else if data, _ := os.ReadFile(u.tokenFile()); !strings.Contains(string(data), tok.AccessToken) {
				t.Errorf("the token file does not hold the token awskeep got")
			}
		})
	}
}
