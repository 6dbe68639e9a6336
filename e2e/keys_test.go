package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
)

type listRow struct {
	Profile        string `json:"profile"`
	Key            string `json:"key"`
	KeyCreatedFrom string `json:"key_created_from"`
	Sessions       []any  `json:"sessions"`
	InConfig       bool   `json:"in_config"`
}

func listJSON(t *testing.T, u *user) map[string]listRow {
	t.Helper()
	r := u.ok("", "list", "--json")
	var rows []listRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("list --json printed %q: %v", r.stdout, err)
	}
	out := map[string]listRow{}
	for _, row := range rows {
		out[row.Profile] = row
	}
	return out
}

func masked(id string) string { return id[len(id)-4:] }

// TestKeysOnEveryBackend adds, lists, imports and removes keys on each Linux
// keyring backend, verifying against moto with authentication enforced.
func TestKeysOnEveryBackend(t *testing.T) {
	for _, backend := range linuxBackends {
		t.Run(backend, func(t *testing.T) {
			u := newUser(t, backend)
			alice := moto.CreateUser(t, "alice")
			moto.AllowUser(t, alice, "iam:ListAccessKeys")

			// add from stdin (two lines), verified with STS and dated from IAM.
			r := u.ok(alice.Key.AccessKeyID+"\n"+alice.Key.SecretAccessKey+"\n", "add", "work")
			contains(t, "add output", r.stderr, "Stored key", masked(alice.Key.AccessKeyID), alice.ARN)
			if strings.Contains(r.stdout+r.stderr, alice.Key.SecretAccessKey) {
				t.Fatal("add printed the secret")
			}
			contains(t, "config", u.readFile(".aws/config"), "[profile work]")

			// add --env
			bob := moto.CreateUser(t, "bob")
			r = u.run("", bob.Key.Env(), "add", "--env", "personal")
			if r.code != 0 {
				t.Fatalf("add --env: %d %s", r.code, r.stderr)
			}

			// import a plain-text key; the file keeps everything else.
			carol := moto.CreateUser(t, "carol")
			creds := fmt.Sprintf("# my keys\n[legacy]\nregion = eu-west-1\naws_access_key_id = %s\naws_secret_access_key = %s\n\n[other-tool]\nfoo = bar\n", carol.Key.AccessKeyID, carol.Key.SecretAccessKey)
			u.writeFile(".aws/credentials", creds)
			r = u.ok("", "profile", "import", "legacy")
			contains(t, "import output", r.stderr, "Imported legacy", "credential_process = awskeep credential-process")
			if got, want := u.readFile(".aws/credentials"), "# my keys\n[legacy]\nregion = eu-west-1\n\n[other-tool]\nfoo = bar\n"; got != want {
				t.Errorf("credentials after import:\n%q\nwant\n%q", got, want)
			}

			rows := listJSON(t, u)
			for name, key := range map[string]awstest.Credentials{"work": alice.Key, "personal": bob.Key, "legacy": carol.Key} {
				row, ok := rows[name]
				if !ok || !strings.HasSuffix(row.Key, masked(key.AccessKeyID)) || strings.Contains(row.Key, key.AccessKeyID) {
					t.Errorf("list row for %s = %+v (key %s)", name, row, key.AccessKeyID)
				}
			}
			if rows["work"].KeyCreatedFrom != "iam" || rows["personal"].KeyCreatedFrom != "added" {
				t.Errorf("creation dates: work from %q (may list its keys), personal from %q (may not)", rows["work"].KeyCreatedFrom, rows["personal"].KeyCreatedFrom)
			}

			// remove needs --force without a terminal.
			if r := u.run("", nil, "remove", "work"); r.code != 1 || !strings.Contains(r.stderr, "--force") {
				t.Errorf("remove without terminal: %d %s", r.code, r.stderr)
			}
			u.ok("", "remove", "work", "--force")
			rows = listJSON(t, u)
			if rows["work"].Key != "" {
				t.Errorf("work still has a key after remove: %+v", rows["work"])
			}
			if rows["legacy"].Key == "" {
				t.Errorf("remove work also removed legacy")
			}
		})
	}
}

// TestAddVerifies checks that add asks STS and explains a rejected key in words.
func TestAddVerifies(t *testing.T) {
	u := newUser(t, "file")
	dave := moto.CreateUser(t, "dave")
	cases := []struct {
		name, keyID, secret string
		code                int
		wants               []string
	}{
		{"wrong secret", dave.Key.AccessKeyID, strings.Repeat("x", 40), 3, []string{"secret access key does not belong", "Nothing was stored"}},
		{"unknown key", "AKIAZZZZZZZZZZZZZZZZ", strings.Repeat("y", 40), 3, []string{"deleted or deactivated (revoked)", "ZZZZ", "Nothing was stored"}},
		{"malformed id", "akia-nope", strings.Repeat("y", 40), 1, []string{"is not an access key ID"}},
		{"empty secret", dave.Key.AccessKeyID, "", 1, []string{"secret access key is empty"}},
		{"secret with spaces", dave.Key.AccessKeyID, "abc def ghi jkl mno pqr", 1, []string{"spaces"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := u.run(tc.keyID+"\n"+tc.secret+"\n", nil, "add", "p")
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tc.code, r.stderr)
			}
			contains(t, "stderr", r.stderr, tc.wants...)
			if tc.secret != "" && strings.Contains(r.stdout+r.stderr, tc.secret) {
				t.Error("the secret was echoed")
			}
		})
	}
	if rows := listJSON(t, u); rows["p"].Key != "" {
		t.Errorf("a rejected key was stored: %+v", rows["p"])
	}
	// The good key is accepted.
	u.ok(dave.Key.AccessKeyID+"\n"+dave.Key.SecretAccessKey+"\n", "add", "p")
}
