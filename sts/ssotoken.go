package sts

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// SSOToken is one IAM Identity Center login: the bearer token the portal
// takes, and what refreshing it needs. On disk it is an entry of the AWS
// CLI's token cache (~/.aws/sso/cache/<sha1>.json), written in exactly the
// CLI v2's format so the CLI, botocore and the SDKs read and refresh it.
type SSOToken struct {
	StartURL    string
	Region      string
	AccessToken vault.Secret
	ExpiresAt   time.Time
	// The client registration and the refresh token; all empty for a
	// token that cannot be refreshed (the legacy form).
	ClientID              string
	ClientSecret          vault.Secret
	RegistrationExpiresAt time.Time
	RefreshToken          vault.Secret
}

// CanRefresh says whether the token has what a refresh needs (botocore
// also needs registrationExpiresAt, and a registration that has not
// expired).
func (t SSOToken) CanRefresh(now time.Time) bool {
	return !t.RefreshToken.IsZero() && t.ClientID != "" && !t.ClientSecret.IsZero() &&
		!t.RegistrationExpiresAt.IsZero() && now.Before(t.RegistrationExpiresAt)
}

// tokenFile is the CLI's field order and names. Timestamps are strings so
// they are written as the CLI writes them and read however they come.
type tokenFile struct {
	StartURL              string `json:"startUrl,omitempty"`
	Region                string `json:"region,omitempty"`
	AccessToken           string `json:"accessToken"`
	ExpiresAt             string `json:"expiresAt"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
}

// cliTimeFormat is the CLI's %Y-%m-%dT%H:%M:%SZ, always UTC.
const cliTimeFormat = "2006-01-02T15:04:05Z"

func formatCLITime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(cliTimeFormat)
}

// parseCLITime reads the timestamps the AWS tools have written: RFC 3339
// with Z or an offset and optional fractions, and the old CLI's "UTC"
// suffix (2026-12-01T10:52:58UTC), which the Go SDK cannot read.
func parseCLITime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05UTC", "2006-01-02T15:04:05.999999999UTC", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time", s)
}

// SSOTokenDir is the AWS CLI's token cache directory under home.
func SSOTokenDir(home string) string { return filepath.Join(home, ".aws", "sso", "cache") }

// SSOTokenPath is the token file of a session (key: the sso-session name,
// or the legacy start URL exactly as written): the lower-case hex SHA-1 of
// the key, as the AWS CLI, botocore and the Go SDK name it.
func SSOTokenPath(home, key string) string {
	sum := sha1.Sum([]byte(key))
	return filepath.Join(SSOTokenDir(home), hex.EncodeToString(sum[:])+".json")
}

// TokenFileError: a token file exists but cannot be used.
type TokenFileError struct {
	Path string
	Err  error
}

func (e *TokenFileError) Error() string {
	return fmt.Sprintf("the SSO token file %s cannot be used: %v", e.Path, e.Err)
}
func (e *TokenFileError) Unwrap() error { return e.Err }

// ReadSSOTokenFile reads a token file. A missing file gives an error
// matching fs.ErrNotExist; one without accessToken and expiresAt (which
// every reader needs) a *TokenFileError.
func ReadSSOTokenFile(path string) (SSOToken, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return SSOToken{}, err
	}
	return decodeSSOToken(path, data)
}

func decodeSSOToken(path string, data []byte) (SSOToken, error) {
	var f tokenFile
	if err := json.Unmarshal(data, &f); err != nil {
		return SSOToken{}, &TokenFileError{Path: path, Err: errors.New("it is not JSON")}
	}
	if f.AccessToken == "" || f.ExpiresAt == "" {
		return SSOToken{}, &TokenFileError{Path: path, Err: errors.New("it must contain accessToken and expiresAt")}
	}
	t := SSOToken{StartURL: f.StartURL, Region: f.Region, AccessToken: vault.Secret(f.AccessToken),
		ClientID: f.ClientID, ClientSecret: vault.Secret(f.ClientSecret), RefreshToken: vault.Secret(f.RefreshToken)}
	var err error
	if t.ExpiresAt, err = parseCLITime(f.ExpiresAt); err != nil {
		return SSOToken{}, &TokenFileError{Path: path, Err: fmt.Errorf("expiresAt: %w", err)}
	}
	if f.RegistrationExpiresAt != "" {
		// An unreadable registration expiry only costs the refresh.
		t.RegistrationExpiresAt, _ = parseCLITime(f.RegistrationExpiresAt)
	}
	return t, nil
}

// encodeSSOToken writes the fields in the CLI's order with Python's
// json.dumps separators (", " and ": "), as the CLI v2 writes the file.
func encodeSSOToken(t SSOToken) ([]byte, error) {
	fields := [][2]string{
		{"startUrl", t.StartURL}, {"region", t.Region},
		{"accessToken", t.AccessToken.Reveal()}, {"expiresAt", formatCLITime(t.ExpiresAt)},
		{"clientId", t.ClientID}, {"clientSecret", t.ClientSecret.Reveal()},
		{"registrationExpiresAt", formatCLITime(t.RegistrationExpiresAt)}, {"refreshToken", t.RefreshToken.Reveal()},
	}
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, f := range fields {
		if f[1] == "" && f[0] != "accessToken" && f[0] != "expiresAt" {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		b.WriteString(jsonString(f[0]))
		b.WriteString(": ")
		b.WriteString(jsonString(f[1]))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonString quotes s as json.dumps does by default (ensure_ascii: every
// non-ASCII character as \uXXXX).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r > 0x7f:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteSSOTokenFile writes t to path whole or not at all: a temporary file
// in the same directory (0600), fsync, rename. The directory is created
// 0700 when missing.
func WriteSSOTokenFile(path string, t SSOToken) error {
	data, err := encodeSSOToken(t)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the SSO token cache %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing the SSO token file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("writing the SSO token file: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the SSO token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the SSO token file: %w", err)
	}
	return nil
}

// RemoveSSOTokenFile deletes path; a missing file is no error.
func RemoveSSOTokenFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Where an SSO token is kept (SSOTokenStore).
const (
	// TokenStoreFile is the AWS CLI's ~/.aws/sso/cache, shared with the
	// CLI, botocore and the SDKs.
	TokenStoreFile = "file"
	// TokenStoreKeyring keeps the token in awskeep's keyring only; other
	// tools then reach the account through credential_process.
	TokenStoreKeyring = "keyring"
)

// SSOTokenStore says where s's token is kept: the keyring when the
// session sets sso_token_store = keyring or AWSKEEP_SSO_TOKENS=keyring is
// set (either one is enough: a choice to keep the token off the disk is
// never overridden), else the shared file.
func SSOTokenStore(getenv func(string) string, s *profiles.SSO) string {
	if s.TokenStore == TokenStoreKeyring || strings.EqualFold(strings.TrimSpace(getenv("AWSKEEP_SSO_TOKENS")), TokenStoreKeyring) {
		return TokenStoreKeyring
	}
	return TokenStoreFile
}
