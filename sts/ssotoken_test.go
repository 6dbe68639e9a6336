package sts

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/awskeep/awskeep/vault"
)

func TestSSOTokenPathIsTheCLIs(t *testing.T) {
	// The names the AWS CLI, botocore and the Go SDK give these keys.
	for key, want := range map[string]string{
		"corp":                                   "ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
		"https://d-1234567890.awsapps.com/start": "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json",
	} {
		got := SSOTokenPath("/home/u", key)
		if got != filepath.Join("/home/u", ".aws", "sso", "cache", want) {
			t.Errorf("SSOTokenPath(%q) = %s, want .../%s", key, got, want)
		}
	}
}

func TestSSOTokenFileFormat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sso", "cache")
	path := filepath.Join(dir, "x.json")
	tok := SSOToken{
		StartURL: "https://d-1234567890.awsapps.com/start", Region: "eu-west-1",
		AccessToken: "at", ExpiresAt: time.Date(2026, 12, 1, 10, 52, 58, 700, time.FixedZone("x", 3600)),
		ClientID: "cid", ClientSecret: "cs", RegistrationExpiresAt: time.Date(2027, 3, 1, 9, 52, 55, 0, time.UTC),
		RefreshToken: "rt",
	}
	if err := WriteSSOTokenFile(path, tok); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "eu-west-1", "accessToken": "at", "expiresAt": "2026-12-01T09:52:58Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2027-03-01T09:52:55Z", "refreshToken": "rt"}`
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		di, _ := os.Stat(dir)
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Errorf("modes: file %v, dir %v", fi.Mode().Perm(), di.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	back, err := ReadSSOTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.ExpiresAt.Equal(tok.ExpiresAt.Truncate(time.Second)) || back.RefreshToken != "rt" || back.ClientSecret != "cs" || !back.CanRefresh(tok.ExpiresAt) {
		t.Errorf("read back %+v", back)
	}

	// Without a refresh token the optional fields are left out, as the CLI does.
	if err := WriteSSOTokenFile(path, SSOToken{StartURL: "u", Region: "r", AccessToken: "a\"\u00e9", ExpiresAt: tok.ExpiresAt}); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if want := `{"startUrl": "u", "region": "r", "accessToken": "a\"\u00e9", "expiresAt": "2026-12-01T09:52:58Z"}`; string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadSSOTokenFileLenient(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "t.json")
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	want := time.Date(2026, 12, 1, 10, 52, 58, 0, time.UTC)
	for _, exp := range []string{"2026-12-01T10:52:58Z", "2026-12-01T10:52:58UTC", "2026-12-01T11:52:58+01:00", "2026-12-01T10:52:58.000Z"} {
		tok, err := ReadSSOTokenFile(write(`{"accessToken": "a", "expiresAt": "` + exp + `"}`))
		if err != nil || !tok.ExpiresAt.Equal(want) || tok.AccessToken != vault.Secret("a") {
			t.Errorf("expiresAt %s: %+v, %v", exp, tok, err)
		}
		if tok.CanRefresh(want) {
			t.Errorf("a token without refresh fields can refresh")
		}
	}
	var tfe *TokenFileError
	if _, err := ReadSSOTokenFile(write(`{"expiresAt": "2026-12-01T10:52:58Z"}`)); !errors.As(err, &tfe) {
		t.Errorf("no accessToken: %v", err)
	}
	if _, err := ReadSSOTokenFile(filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}
