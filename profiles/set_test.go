package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeSet writes config and credentials files (skipping empty ones) to a
// temporary directory and loads them.
func writeSet(t *testing.T, config, credentials string) *Set {
	t.Helper()
	dir := t.TempDir()
	p := Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	if config != "" {
		if err := os.WriteFile(p.Config, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if credentials != "" {
		if err := os.WriteFile(p.Credentials, []byte(credentials), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Load(p)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func TestLoadProfiles(t *testing.T) {
	s := writeSet(t, `[default]
region = us-east-1
[profile dev]
region = eu-west-1
output = json
[bare]
region = ignored
[sso-session corp]
sso_region = us-east-1
[services x]
s3 =
  endpoint_url = http://h
[profile two words]
region = ignored
`, `[dev]
region = ap-south-1
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
[credsonly]
aws_access_key_id = AKIAEXAMPLE2
[profile prefixed]
region = ignored
`)
	// botocore takes the credentials file's section names as they are, so
	// [profile prefixed] there is the profile "profile prefixed".
	if got, want := s.Names(), []string{"credsonly", "default", "dev", "profile prefixed"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for _, name := range []string{"bare", "corp", "sso-session corp", "x", "prefixed", "two words"} {
		if s.Has(name) {
			t.Errorf("Has(%q) = true; that section is no profile", name)
		}
	}
	dev, err := s.Profile("dev")
	if err != nil {
		t.Fatal(err)
	}
	region, _ := dev.Get("region")
	if region.Text != "ap-south-1" || region.File != s.Paths().Credentials || region.Line != 2 {
		t.Errorf("region = %+v, want the credentials file's value at line 2", region)
	}
	output, _ := dev.Get("OUTPUT")
	if output.Text != "json" || output.File != s.Paths().Config || output.Line != 5 {
		t.Errorf("output = %+v, want the config's value at line 5", output)
	}
	if !dev.HasStaticKey() || !dev.InConfig || !dev.InCredentials {
		t.Errorf("dev: HasStaticKey=%v InConfig=%v InCredentials=%v, want all true", dev.HasStaticKey(), dev.InConfig, dev.InCredentials)
	}
	if got, want := dev.Keys(), []string{"aws_access_key_id", "aws_secret_access_key", "output", "region"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	credsOnly, _ := s.Profile("credsonly")
	if credsOnly.HasStaticKey() {
		t.Errorf("credsonly has no secret, HasStaticKey() = true")
	}
}

func TestProfileDefaultWins(t *testing.T) {
	s := writeSet(t, "[default]\nregion = a\noutput = json\n[profile default]\nregion = b\n", "")
	p, err := s.Profile("default")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.Get("region"); v.Text != "b" {
		t.Errorf("region = %q, want b from [profile default]", v.Text)
	}
	if _, ok := p.Get("output"); ok {
		t.Errorf("[default] merged into [profile default]; the SDK drops it")
	}
}

func TestLoadMissingFilesCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	p := Paths{Config: filepath.Join(dir, "aws", "config"), Credentials: filepath.Join(dir, "aws", "credentials")}
	s, err := Load(p)
	if err != nil {
		t.Fatalf("Load of missing files: %v", err)
	}
	if len(s.Names()) != 0 {
		t.Errorf("Names() = %q, want none", s.Names())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Load created %v", entries)
	}
}

func TestLoadParseErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	p := Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	os.WriteFile(p.Credentials, []byte("[a]\nkey = v\noops\n"), 0o600)
	_, err := Load(p)
	var perr *ParseError
	if !errors.As(err, &perr) || perr.File != p.Credentials || perr.Line != 3 {
		t.Fatalf("err = %v, want *ParseError at %s:3", err, p.Credentials)
	}
}

func TestUnknownProfileSuggestions(t *testing.T) {
	s := writeSet(t, "[default]\n[profile production]\n[profile prod-eu]\n[profile staging]\n[profile dev]\n", "")
	tests := []struct {
		name string
		want []string
	}{
		{"prodution", []string{"production"}},
		{"prod", []string{"prod-eu", "production"}},
		{"stagin", []string{"staging"}},
		{"Dev", []string{"dev"}},
		{"zzzzzz", nil},
	}
	for _, tt := range tests {
		_, err := s.Profile(tt.name)
		var ue *UnknownProfileError
		if !errors.As(err, &ue) {
			t.Fatalf("Profile(%q) err = %v, want *UnknownProfileError", tt.name, err)
		}
		if ue.Name != tt.name || !reflect.DeepEqual(ue.Suggestions, tt.want) {
			t.Errorf("Profile(%q): %+v, want suggestions %q", tt.name, ue, tt.want)
		}
	}
	// Never a fallback to default.
	if _, err := s.Resolve("nope"); !errors.As(err, new(*UnknownProfileError)) {
		t.Errorf("Resolve(nope) = %v, want *UnknownProfileError", err)
	}
}

func TestPathsFromEnv(t *testing.T) {
	home := filepath.FromSlash("/home/u")
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	got := PathsFromEnv(env(nil), home)
	want := Paths{Config: filepath.Join(home, ".aws", "config"), Credentials: filepath.Join(home, ".aws", "credentials")}
	if got != want {
		t.Errorf("defaults: %+v, want %+v", got, want)
	}
	got = PathsFromEnv(env(map[string]string{"AWS_CONFIG_FILE": "~/cfg/aws", "AWS_SHARED_CREDENTIALS_FILE": "/etc/creds"}), home)
	want = Paths{Config: filepath.Join(home, "cfg", "aws"), Credentials: "/etc/creds"}
	if got != want {
		t.Errorf("from env: %+v, want %+v", got, want)
	}
}

func TestParseAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * 24 * time.Hour, true},
		{"2w", 14 * 24 * time.Hour, true},
		{"36h", 36 * time.Hour, true},
		{"15m", 15 * time.Minute, true},
		{"1s", time.Second, true},
		{"1h30m", 90 * time.Minute, true},
		{"1d12h", 36 * time.Hour, true},
		{" 7d ", 7 * 24 * time.Hour, true},
		{"", 0, false},
		{"90", 0, false},
		{"0d", 0, false},
		{"-1h", 0, false},
		{"1d-5h", 0, false},
		{"d", 0, false},
		{"ninety days", 0, false},
		{"99999999999999d", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseAge(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCheckProfileName(t *testing.T) {
	for _, ok := range []string{"dev", "prod-eu_1", "a.b@c+d", "default", "x=y,z", "müller"} {
		if err := CheckProfileName(ok); err != nil {
			t.Errorf("CheckProfileName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "two words", "a]b", "a#b", "x\ny", "tab\tbed", "a/b", "a:b", "a;b", "\x00"} {
		var ie *InvalidNameError
		if err := CheckProfileName(bad); !errors.As(err, &ie) || ie.Name != bad {
			t.Errorf("CheckProfileName(%q) = %v, want *InvalidNameError", bad, err)
		}
	}
}

// Asked for a profile whose section the AWS CLI does not read as it, the
// error says which line and how to write it.
func TestUnknownProfileNamesUnreadSection(t *testing.T) {
	s := writeSet(t, "[default]\n[ profile dev ]\nregion = x\n", "")
	_, err := s.Profile("dev")
	var ue *UnknownProfileError
	if !errors.As(err, &ue) || ue.Unread != " profile dev " || ue.UnreadLine != 2 {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "line 2 has [ profile dev ], which the AWS CLI does not read as profile dev (the Go SDK does); write [profile dev]") {
		t.Errorf("err = %v", err)
	}
}
