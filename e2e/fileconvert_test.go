package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
)

// jweFixture writes a file keyring as awskeep before the v2 format wrote it:
// 99designs/keyring's JWE files, with awskeep's passphrase marker, three
// stored keys with their key info items, and a cached session.
func jweFixture(t *testing.T, dir string) map[string]string {
	t.Helper()
	ring, err := keyring.Open(keyring.Config{AllowedBackends: []keyring.BackendType{keyring.FileBackend},
		FileDir: dir, FilePasswordFunc: keyring.FixedStringPrompt(filePassphrase)})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{}
	items := []keyring.Item{{Key: "awskeep.passphrase-check", Data: []byte("awskeep passphrase check v1")}}
	for i, p := range []string{"ann", "bob", "cy"} {
		id := fmt.Sprintf("AKIAFIXTURE%09d", i)
		secrets[p] = "fixture-secret-" + p
		items = append(items,
			keyring.Item{Key: "awskeep.key." + p, Label: "awskeep access key for profile " + p,
				Data: []byte(fmt.Sprintf(`{"profile":%q,"access_key_id":%q,"secret_access_key":%q,"created_at":"2026-01-02T03:04:05Z","created_from_iam":false,"added_at":"2026-01-02T03:04:05Z"}`, p, id, secrets[p]))},
			keyring.Item{Key: fmt.Sprintf("awskeep.keyinfo.%s.%s.1767323045.added", p, id)})
	}
	items = append(items, keyring.Item{Key: "awskeep.session.abc.ann.AKIAFIXTURE000000000.1893456000",
		Data: []byte(`{"id":"abc","profile":"ann","source_key_id":"AKIAFIXTURE000000000","access_key_id":"ASIAFIX","secret_access_key":"x","session_token":"y","expiration":"2030-01-01T00:00:00Z"}`)})
	for _, it := range items {
		if err := ring.Set(it); err != nil {
			t.Fatal(err)
		}
	}
	return secrets
}

// TestFileConvertsJWEStoreSafely: a store in the old format is converted by
// the first command that has the passphrase; killed with SIGKILL at any of
// several points of the conversion, the store still has every item, and the
// next command finishes the job.
func TestFileConvertsJWEStoreSafely(t *testing.T) {
	points := []string{"", "convert-checked", "convert-header", "write-temp:2", "convert-item:1",
		"write-temp:5", "convert-item:6", "convert-marker", "write-temp:9", "convert-done"}
	for _, point := range points {
		name := point
		if name == "" {
			name = "no-kill"
		}
		t.Run(name, func(t *testing.T) {
			u := newUser(t, "file")
			u.writeFile(".aws/config", "[profile ann]\n[profile bob]\n[profile cy]\n")
			dir := u.keysDir()
			secrets := jweFixture(t, dir)
			names := itemNames(t, dir)

			if point != "" {
				killAt(t, u, point, "export", "ann", "--no-session")
				// Whatever the point, every item is still there, each whole in
				// one format or the other.
				if got := itemNames(t, dir); strings.Join(got, ",") != strings.Join(names, ",") {
					t.Fatalf("items after SIGKILL at %s:\n%v\nwant\n%v", point, got, names)
				}
				for n, b := range readItems(t, dir) {
					if !strings.HasPrefix(b, "eyJ") && !strings.HasPrefix(b, "AKF2") {
						t.Errorf("%s is neither JWE nor v2 after SIGKILL at %s: %q", n, point, b[:min(8, len(b))])
					}
				}
			}
			for p, secret := range secrets {
				r := u.ok("", "export", p, "--no-session")
				contains(t, "export "+p, r.stdout, secret)
			}
			st := u.keyringStatus(t)
			if st.Format != "awskeep-file-v2" || st.Keys != 3 || st.Sessions != 1 {
				t.Errorf("after conversion: %+v", st)
			}
			for n, b := range readItems(t, dir) {
				if !strings.HasPrefix(b, "AKF2") {
					t.Errorf("%s not converted", n)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "awskeep.passphrase-check")); err == nil {
				t.Error("the JWE passphrase marker is left")
			}
		})
	}
}

// itemNames lists the item files (not the header, locks or temporary files),
// leaving out the marker, which the conversion drops.
func itemNames(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for n := range readItems(t, dir) {
		if n != "awskeep.passphrase-check" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// killAt runs awskeep until it pauses at point (a test build's pause point)
// and kills it there with SIGKILL.
func killAt(t *testing.T, u *user, point string, args ...string) {
	t.Helper()
	cmd := exec.Command(awskeepBin, args...)
	cmd.Env = append(append([]string{}, u.env...), "AWSKEEP_TEST_PAUSE_AT="+point)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	paused := make(chan string, 1)
	go func() {
		var seen strings.Builder
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			seen.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "awskeep-test: paused at") {
				paused <- ""
				return
			}
		}
		paused <- seen.String()
	}()
	select {
	case out := <-paused:
		if out != "" {
			cmd.Wait()
			t.Fatalf("awskeep ended without reaching %s:\n%s", point, out)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("awskeep did not reach %s within a minute", point)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// TestUnlockConvertsJWEStore: unlock with the passphrase on stdin converts an
// old store, says so, and leaves it unlocked.
func TestUnlockConvertsJWEStore(t *testing.T) {
	u := fileUser(t)
	dir := filepath.Join(u.home, "old-keys")
	secrets := jweFixture(t, dir)
	u.env = append(u.env, "AWSKEEP_FILE_DIR="+dir)
	u.writeFile(".aws/config", "[profile ann]\n")
	r := u.detached(t, filePassphrase+"\n", nil, 0, "unlock")
	contains(t, "unlock", r.stderr, "Converted the file keyring in "+dir+" from the JWE format to awskeep-file-v2")
	contains(t, "export", u.detached(t, "", nil, 0, "export", "ann", "--no-session").stdout, secrets["ann"])
}
