package vault

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// Store is an opened keyring. Its methods are safe for concurrent use, and
// parallel processes sharing one keyring do not corrupt it.
type Store struct {
	backend  string
	location string // where the items are, in words
	ring     keyring.Keyring
	locks    *lockDirChoice
	lockWait func(context.Context, time.Duration) error
	waiting  func(what string) (done func())
	closer   func() error
	skipped  []*BackendError
}

// Backend is the name of the backend in use, one of BackendNames.
func (s *Store) Backend() string { return s.backend }

// Skipped lists, for an automatic choice, the backends tried before the one
// in use and why each was passed over. It is empty for an explicit backend.
func (s *Store) Skipped() []*BackendError { return s.skipped }

// Close releases the backend's resources (the D-Bus connection of
// secret-service). The Store must not be used afterwards.
func (s *Store) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer()
}

// Open opens the keyring that cfg names.
//
// With cfg.Backend empty it picks the first backend that works here:
// wincred on Windows, keychain on macOS; elsewhere secret-service when a
// session bus is known (DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus,
// never by launching one), a Secret Service answers on it and the collection
// exists; then pass when the pass program is installed and the store is
// initialised (a .gpg-id exists, so the user chose pass); otherwise file.
// keyctl is never picked automatically: the kernel forgets its keys at reboot.
//
// A named backend that cannot be used gives a *BackendError; a name that is
// not a backend gives a *BackendError wrapping ErrUnknownBackend whose hint
// lists the valid names.
func Open(cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	name := strings.ToLower(strings.TrimSpace(cfg.Backend))
	if name == "" {
		return openAuto(cfg)
	}
	if !slices.Contains(BackendNames(), name) {
		return nil, &BackendError{Backend: cfg.Backend, Err: ErrUnknownBackend,
			Hint: "valid backends: " + strings.Join(BackendNames(), ", ")}
	}
	return openNamed(name, cfg)
}

func openAuto(cfg Config) (*Store, error) {
	var candidates []string
	switch runtime.GOOS {
	case "windows":
		candidates = []string{BackendWinCred}
	case "darwin":
		candidates = []string{BackendKeychain}
	default:
		candidates = []string{BackendSecretService, BackendPass}
	}
	var skipped []*BackendError
	for _, name := range candidates {
		if name == BackendPass && !passInitialised(cfg) {
			skipped = append(skipped, &BackendError{Backend: name, Err: errPassNotSetUp})
			continue
		}
		store, err := openNamed(name, cfg)
		if err == nil {
			store.skipped = skipped
			return store, nil
		}
		var be *BackendError
		if !errors.As(err, &be) {
			be = &BackendError{Backend: name, Err: err}
		}
		skipped = append(skipped, be)
	}
	store, err := openNamed(BackendFile, cfg)
	if err != nil {
		return nil, err
	}
	store.skipped = skipped
	return store, nil
}

func openNamed(name string, cfg Config) (*Store, error) {
	var (
		ring   keyring.Keyring
		closer func() error
		err    error
	)
	switch name {
	case BackendSecretService:
		ring, closer, err = openSecretService(cfg)
	case BackendKWallet:
		err = &BackendError{Backend: name, Err: ErrBackendUnavailable,
			Hint: "kwallet backend is not available in this build; KWallet 5.97 and later serve the Secret Service API, so try AWSKEEP_BACKEND=secret-service, or use pass or file"}
	case BackendKeychain, BackendWinCred:
		ring, err = openNative(name)
	case BackendPass:
		ring, err = openPass(cfg)
	case BackendKeyctl:
		ring, err = openKeyctl(cfg)
	case BackendFile:
		ring, err = openFile(cfg)
	}
	if err != nil {
		var be *BackendError
		if errors.As(err, &be) {
			return nil, err
		}
		return nil, &BackendError{Backend: name, Err: err}
	}
	return &Store{backend: name, location: location(name, cfg, ring), ring: ring, locks: &lockDirChoice{primary: cfg.LockDir, fallback: cfg.LockDirFallback}, lockWait: cfg.LockWait, waiting: cfg.Waiting, closer: closer}, nil
}

// location says where a backend keeps the items.
func location(name string, cfg Config, ring keyring.Keyring) string {
	switch name {
	case BackendFile:
		if fb, ok := ring.(*fileBackend); ok {
			return fb.dir
		}
	case BackendSecretService:
		return "Secret Service collection " + cfg.SecretServiceCollection
	case BackendPass:
		return filepath.Join(cfg.PassDir, cfg.PassPrefix)
	case BackendKeyctl:
		return "kernel keyring " + cfg.KeyctlKeyring + " in the " + cfg.KeyctlScope + " keyring"
	case BackendKeychain:
		return "default keychain, service awskeep"
	case BackendWinCred:
		return "Windows Credential Manager, targets awskeep*"
	}
	return ""
}

// openNative opens the OS keychain through keyring, whose openers for these
// backends register at init without D-Bus.
func openNative(name string) (keyring.Keyring, error) {
	want := map[string]string{BackendKeychain: "darwin", BackendWinCred: "windows"}[name]
	if runtime.GOOS != want {
		return nil, &BackendError{Backend: name, Err: ErrBackendUnavailable,
			Hint: fmt.Sprintf("%s exists only on %s", name, want)}
	}
	return keyring.Open(keyring.Config{
		AllowedBackends:          []keyring.BackendType{keyring.BackendType(name)},
		ServiceName:              "awskeep",
		KeychainTrustApplication: true,
		WinCredPrefix:            "awskeep",
	})
}
