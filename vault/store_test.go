package vault

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

const testPassphrase = "correct horse battery staple"

func fixedPassphrase(p string) func(string) (Secret, error) {
	return func(string) (Secret, error) { return Secret(p), nil }
}

// envConfig sets env in-process (the Secret Service and pass helpers need it
// in the environment the backend and its child processes see) and builds a
// Config from it the way cmd does.
func envConfig(t *testing.T, backend string, env []string) Config {
	t.Helper()
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	home := t.TempDir()
	cfg := ConfigFromEnv(os.Getenv, home)
	cfg.Backend = backend
	cfg.FileDir = t.TempDir()
	cfg.LockDir = t.TempDir()
	cfg.FilePassphrase = fixedPassphrase(testPassphrase)
	return cfg
}

// backendConfigs gives every backend that runs on this Linux box, each on a
// fresh, private keyring.
var backendConfigs = []struct {
	name  string
	setup func(t *testing.T) Config
}{
	{BackendFile, func(t *testing.T) Config { return envConfig(t, BackendFile, nil) }},
	{BackendKeyctl, func(t *testing.T) Config { return envConfig(t, BackendKeyctl, keyringtest.Keyctl(t)) }},
	{BackendPass, func(t *testing.T) Config {
		env := keyringtest.Pass(t)
		return envConfig(t, BackendPass, append(env, "AWSKEEP_PASS_DIR="))
	}},
	{BackendSecretService, func(t *testing.T) Config {
		return envConfig(t, BackendSecretService, keyringtest.SecretService(t))
	}},
}

func openStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.Backend, err)
	}
	t.Cleanup(func() { s.Close() })
	if s.Backend() != cfg.Backend {
		t.Fatalf("Backend() = %q, want %q", s.Backend(), cfg.Backend)
	}
	return s
}

func TestStoreRoundTrip(t *testing.T) {
	for _, bc := range backendConfigs {
		t.Run(bc.name, func(t *testing.T) {
			s := openStore(t, bc.setup(t))
			checkRoundTrip(t, s)
		})
	}
}

func checkRoundTrip(t *testing.T, s *Store) {
	created := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	added := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	keys := []Key{
		{Profile: "dev", AccessKeyID: "AKIAAAAAAAAAAAAAAAA1", SecretAccessKey: "secret/one+",
			CreatedAt: created, CreatedFromIAM: true, AddedAt: added, Account: "111122223333",
			ARN: "arn:aws:iam::111122223333:user/alice", UserName: "alice"},
		// A name with separators, a space and non-ASCII exercises the escaping.
		{Profile: "team/prod.admin ü", AccessKeyID: "AKIAAAAAAAAAAAAAAAA2", SecretAccessKey: "secret-two",
			CreatedAt: added, AddedAt: added},
	}
	for _, k := range keys {
		if err := s.PutKey(k); err != nil {
			t.Fatalf("PutKey(%q): %v", k.Profile, err)
		}
	}
	for _, want := range keys {
		got, err := s.Key(want.Profile)
		if err != nil {
			t.Fatalf("Key(%q): %v", want.Profile, err)
		}
		if got != want {
			t.Errorf("Key(%q) = %+v\nwant %+v (secret equal: %v)", want.Profile, got, want, got.SecretAccessKey == want.SecretAccessKey)
		}
	}
	// Replacing a key keeps one item per profile.
	rotated := keys[0]
	rotated.AccessKeyID, rotated.SecretAccessKey = "AKIAAAAAAAAAAAAAAAA3", "secret-three"
	if err := s.PutKey(rotated); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Key("dev"); err != nil || got.AccessKeyID != rotated.AccessKeyID || got.SecretAccessKey != "secret-three" {
		t.Errorf("after replacing: Key(dev) = %+v, %v", got, err)
	}
	// Listing shows what is stored now, one entry per profile, no secrets.
	keyInfos, err := s.KeyInfos()
	if err != nil {
		t.Fatal(err)
	}
	wantKeyInfos := []KeyInfo{
		{Profile: "dev", AccessKeyID: "AKIAAAAAAAAAAAAAAAA3", CreatedAt: created, CreatedFromIAM: true},
		{Profile: "team/prod.admin ü", AccessKeyID: "AKIAAAAAAAAAAAAAAAA2", CreatedAt: added},
	}
	if !slices.Equal(keyInfos, wantKeyInfos) {
		t.Errorf("KeyInfos() = %+v\nwant %+v", keyInfos, wantKeyInfos)
	}
	profiles, err := s.KeyProfiles()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dev", "team/prod.admin ü"}; !slices.Equal(profiles, want) {
		t.Errorf("KeyProfiles() = %q, want %q", profiles, want)
	}

	exp := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	sessions := []Session{
		{ID: "id-dev-1", Profile: "dev", SourceKeyID: rotated.AccessKeyID, AccessKeyID: "ASIA1",
			SecretAccessKey: "s1", SessionToken: "token-1", Expiration: exp},
		{ID: "id-dev-role", Profile: "dev-admin", SourceKeyID: rotated.AccessKeyID, AccessKeyID: "ASIA2",
			SecretAccessKey: "s2", SessionToken: "token-2", Expiration: exp.Add(time.Minute),
			AssumedRoleARN: "arn:aws:sts::111122223333:assumed-role/admin/awskeep"},
		{ID: "id/prod.1", Profile: "team/prod.admin ü", SourceKeyID: keys[1].AccessKeyID, AccessKeyID: "ASIA3",
			SecretAccessKey: "s3", SessionToken: "token-3", Expiration: exp},
	}
	for _, sess := range sessions {
		if err := s.PutSession(sess); err != nil {
			t.Fatalf("PutSession(%q): %v", sess.ID, err)
		}
	}
	// A fresher session under the same id replaces the old one.
	sessions[0].Expiration = exp.Add(30 * time.Minute)
	sessions[0].SessionToken = "token-1b"
	if err := s.PutSession(sessions[0]); err != nil {
		t.Fatal(err)
	}
	for _, want := range sessions {
		got, err := s.Session(want.ID)
		if err != nil {
			t.Fatalf("Session(%q): %v", want.ID, err)
		}
		if !got.Expiration.Equal(want.Expiration) {
			t.Errorf("Session(%q).Expiration = %v, want %v", want.ID, got.Expiration, want.Expiration)
		}
		got.Expiration = want.Expiration
		if got != want {
			t.Errorf("Session(%q) = %+v\nwant %+v", want.ID, got, want)
		}
	}
	infos, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	wantInfos := []SessionInfo{sessions[0].info(), sessions[1].info(), sessions[2].info()}
	if len(infos) != len(wantInfos) {
		t.Fatalf("Sessions() = %+v, want %+v", infos, wantInfos)
	}
	for i := range infos {
		if infos[i].ID != wantInfos[i].ID || infos[i].Profile != wantInfos[i].Profile ||
			infos[i].SourceKeyID != wantInfos[i].SourceKeyID || !infos[i].Expiration.Equal(wantInfos[i].Expiration) {
			t.Errorf("Sessions()[%d] = %+v, want %+v", i, infos[i], wantInfos[i])
		}
	}

	n, err := s.DeleteSessions(func(i SessionInfo) bool { return i.SourceKeyID == rotated.AccessKeyID })
	if err != nil || n != 2 {
		t.Fatalf("DeleteSessions(source dev key) = %d, %v; want 2", n, err)
	}
	infos, _ = s.Sessions()
	if len(infos) != 1 || infos[0].ID != "id/prod.1" {
		t.Errorf("after DeleteSessions: %+v", infos)
	}
	var nf *NotFoundError
	if _, err := s.Session("id-dev-1"); !errors.As(err, &nf) || nf.Kind != "session" {
		t.Errorf("Session(deleted) error = %v, want NotFoundError", err)
	}

	if err := s.DeleteKey("dev"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Key("dev"); !errors.As(err, &nf) || nf.Kind != "key" || nf.Name != "dev" {
		t.Errorf("Key(deleted) error = %v, want NotFoundError{key dev}", err)
	}
	if err := s.DeleteKey("dev"); !errors.As(err, &nf) {
		t.Errorf("DeleteKey(deleted) error = %v, want NotFoundError", err)
	}
	if profiles, _ := s.KeyProfiles(); !slices.Equal(profiles, []string{"team/prod.admin ü"}) {
		t.Errorf("KeyProfiles() after delete = %q", profiles)
	}
}
