package vault

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

// envFrom is a getenv over a fixed set of variables.
func envFrom(env ...string) func(string) string {
	return func(name string) string {
		for _, kv := range env {
			if k, v, _ := strings.Cut(kv, "="); k == name {
				return v
			}
		}
		return ""
	}
}

func TestOpenAutoHeadlessFallsBackToFile(t *testing.T) {
	home := t.TempDir()
	// No bus address, an empty runtime dir (no bus socket), no pass store.
	cfg := ConfigFromEnv(envFrom("XDG_RUNTIME_DIR="+t.TempDir()), home)
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Backend() != BackendFile {
		t.Fatalf("Backend() = %q, want file", s.Backend())
	}
	var skippedSecretService bool
	for _, be := range s.Skipped() {
		if be.Backend == BackendSecretService && errors.Is(be, ErrNoSessionBus) {
			skippedSecretService = true
		}
	}
	if !skippedSecretService {
		t.Errorf("Skipped() = %v, want secret-service skipped for lack of a bus", s.Skipped())
	}
	if cfg.FileDir != filepath.Join(home, ".awskeep", "keys") {
		t.Errorf("default FileDir = %s", cfg.FileDir)
	}
}

func TestOpenAutoPrefersSecretService(t *testing.T) {
	env := keyringtest.SecretService(t)
	s, err := Open(ConfigFromEnv(envFrom(env...), t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Backend() != BackendSecretService {
		t.Errorf("Backend() = %q with a Secret Service running, want secret-service (skipped: %v)", s.Backend(), s.Skipped())
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantErr  error
		contains []string
	}{
		{"unknown backend", Config{Backend: "vaultwarden"}, ErrUnknownBackend,
			append([]string{"vaultwarden"}, BackendNames()...)},
		{"kwallet", Config{Backend: "kwallet"}, ErrBackendUnavailable,
			[]string{"kwallet backend is not available in this build"}},
		{"secret-service without a bus", Config{Backend: BackendSecretService, Getenv: envFrom()}, ErrNoSessionBus,
			[]string{"AWSKEEP_BACKEND=file"}},
		{"keyctl bad scope", Config{Backend: BackendKeyctl, KeyctlScope: "planet"}, nil,
			[]string{`"planet"`, "AWSKEEP_KEYCTL_SCOPE"}},
		{"pass not initialised", Config{Backend: BackendPass, PassDir: "/nonexistent/store"}, nil,
			[]string{"pass init"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Home = t.TempDir()
			_, err := Open(tt.cfg)
			var be *BackendError
			if !errors.As(err, &be) {
				t.Fatalf("Open = %v, want *BackendError", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Open = %v, want it to wrap %v", err, tt.wantErr)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestSecretServiceMissingCollection(t *testing.T) {
	env := keyringtest.SecretService(t)
	cfg := ConfigFromEnv(envFrom(append(env, "AWSKEEP_SECRET_SERVICE_COLLECTION=awskeep-nope")...), t.TempDir())
	cfg.Backend = BackendSecretService
	_, err := Open(cfg)
	var missing *CollectionNotFoundError
	if !errors.As(err, &missing) || missing.Name != "awskeep-nope" {
		t.Fatalf("Open = %v, want CollectionNotFoundError{awskeep-nope}", err)
	}
	for _, want := range []string{"awskeep-nope", "AWSKEEP_SECRET_SERVICE_COLLECTION", "login"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "Object does not exist") {
		t.Errorf("raw D-Bus error leaked: %v", err)
	}
	// Aliases work too: "default" is the login collection here.
	cfg.SecretServiceCollection = "default"
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutKey(Key{Profile: "p", AccessKeyID: "AKIA", SecretAccessKey: "x"}); err != nil {
		t.Fatal(err)
	}
}
