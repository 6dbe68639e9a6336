package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"

	"github.com/99designs/keyring"
	"github.com/awskeep/awskeep/internal/homepath"
)

// This file reads the long-term keys aws-vault keeps in its keyring, so they
// can move to awskeep's. aws-vault (99designs/aws-vault v4 to v7) stores one
// item per profile through 99designs/keyring: the item's key is the profile
// name and its data is the JSON of the AWS SDK's credentials struct
// ({"AccessKeyID": ..., "SecretAccessKey": ..., "SessionToken": ...}).
// Beside them live its cached sessions ("sts.GetSessionToken,<profile>,..."
// and older spellings) and Identity Center tokens ("oidc:<url>"), which are
// not keys and are left alone.

// AWSVaultConfig says where aws-vault keeps its keys, from aws-vault's own
// variables and defaults.
type AWSVaultConfig struct {
	// Backend is AWS_VAULT_BACKEND; "" means aws-vault's automatic choice.
	Backend string
	// FileDir is AWS_VAULT_FILE_DIR; default ~/.awsvault/keys.
	FileDir string
	// FilePassphrase supplies the file store's passphrase
	// (AWS_VAULT_FILE_PASSPHRASE or a prompt, chosen by the caller).
	FilePassphrase func(prompt string) (Secret, error)
	// SecretServiceCollection is AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME; default awsvault.
	SecretServiceCollection string
	// PassDir, PassCmd, PassPrefix: AWS_VAULT_PASS_PASSWORD_STORE_DIR,
	// AWS_VAULT_PASS_CMD, AWS_VAULT_PASS_PREFIX.
	PassDir, PassCmd, PassPrefix string
	// KeychainName is AWS_VAULT_KEYCHAIN_NAME; default aws-vault.
	KeychainName string
	Home         string
	Getenv       func(string) string
}

// AWSVaultConfigFromEnv reads aws-vault's variables.
func AWSVaultConfigFromEnv(getenv func(string) string, home string) AWSVaultConfig {
	cfg := AWSVaultConfig{
		Backend:                 strings.TrimSpace(getenv("AWS_VAULT_BACKEND")),
		FileDir:                 getenv("AWS_VAULT_FILE_DIR"),
		SecretServiceCollection: getenv("AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME"),
		PassDir:                 getenv("AWS_VAULT_PASS_PASSWORD_STORE_DIR"),
		PassCmd:                 getenv("AWS_VAULT_PASS_CMD"),
		PassPrefix:              getenv("AWS_VAULT_PASS_PREFIX"),
		KeychainName:            getenv("AWS_VAULT_KEYCHAIN_NAME"),
		Home:                    home,
		Getenv:                  getenv,
	}
	if cfg.FileDir == "" {
		cfg.FileDir = filepath.Join(home, ".awsvault", "keys")
	} else {
		cfg.FileDir = homepath.Expand(cfg.FileDir, home)
	}
	if cfg.SecretServiceCollection == "" {
		cfg.SecretServiceCollection = "awsvault"
	}
	if cfg.PassDir == "" {
		cfg.PassDir = getenv("PASSWORD_STORE_DIR")
	}
	if cfg.PassDir == "" {
		cfg.PassDir = filepath.Join(home, ".password-store")
	}
	if cfg.PassCmd == "" {
		cfg.PassCmd = "pass"
	}
	if cfg.KeychainName == "" {
		cfg.KeychainName = "aws-vault"
	}
	return cfg
}

// AWSVaultKey is one key aws-vault holds.
type AWSVaultKey struct {
	Profile         string
	AccessKeyID     string
	SecretAccessKey Secret
	// SessionToken is set when aws-vault holds temporary credentials under a
	// profile name (it should not); those cannot be moved.
	SessionToken Secret
}

// awsVaultCredentials is the JSON aws-vault writes: the Go SDK's
// credentials struct with its field names (v1's credentials.Value and v2's
// aws.Credentials agree on these three).
type awsVaultCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// AWSVaultStore is aws-vault's keyring, opened for reading its keys.
type AWSVaultStore struct {
	backend string
	where   string // the directory, collection or keychain, for messages
	ring    foreignRing
	close   func() error
}

// foreignRing is what the reader needs of a keyring.
type foreignRing interface {
	Keys() ([]string, error)
	Get(key string) (keyring.Item, error)
	Remove(key string) error
}

// Backend names the backend aws-vault's keys were found in.
func (s *AWSVaultStore) Backend() string { return s.backend }

// Where says where in the backend: a directory, collection or keychain.
func (s *AWSVaultStore) Where() string { return s.where }

// Close releases the connection to the keyring, if any.
func (s *AWSVaultStore) Close() error {
	if s.close != nil {
		return s.close()
	}
	return nil
}

// AWSVaultNotFoundError: aws-vault's store has no key for this profile.
type AWSVaultNotFoundError struct {
	Profile, Backend, Where string
	Available               []string
}

func (e *AWSVaultNotFoundError) Error() string {
	msg := fmt.Sprintf("aws-vault's %s keyring (%s) has no key for profile %s", e.Backend, e.Where, e.Profile)
	if len(e.Available) > 0 {
		msg += "; it has keys for: " + strings.Join(e.Available, ", ")
	}
	return msg
}

// AWSVaultPassphraseError: the passphrase does not open aws-vault's file store.
type AWSVaultPassphraseError struct {
	Dir, Item string
	FromEnv   bool
}

func (e *AWSVaultPassphraseError) Error() string {
	return fmt.Sprintf("the passphrase does not open aws-vault's file keyring in %s (item %s could not be decrypted)", e.Dir, e.Item)
}

var errNoAWSVaultPassphrase = errors.New("no way to ask for the passphrase of aws-vault's file keyring")

// AWSVaultBackendError: aws-vault's backend cannot be read here.
type AWSVaultBackendError struct {
	Backend string
	Err     error
	Hint    string
}

func (e *AWSVaultBackendError) Error() string {
	msg := fmt.Sprintf("cannot read aws-vault's %s keyring: %v", e.Backend, e.Err)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

func (e *AWSVaultBackendError) Unwrap() error { return e.Err }

// AWSVaultGuess is aws-vault's own automatic choice of backend: the first
// that 99designs/keyring offers on this system. On Linux that is the
// Secret Service when a session bus is there (keyring registers it only if
// it can connect), else keyctl; on macOS the keychain; on Windows wincred.
func AWSVaultGuess(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		return BackendWinCred
	case "darwin":
		return BackendKeychain
	}
	if hasSessionBus(getenv) {
		return BackendSecretService
	}
	return BackendKeyctl
}

// OpenAWSVault opens aws-vault's keyring: cfg.Backend, or aws-vault's
// automatic guess. When the guess finds no keys but aws-vault's file store
// has items, the error says to set AWS_VAULT_BACKEND=file.
func OpenAWSVault(cfg AWSVaultConfig) (*AWSVaultStore, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = osGetenv
	}
	backend := cfg.Backend
	if backend == "" {
		backend = AWSVaultGuess(cfg.Getenv)
	}
	s := &AWSVaultStore{backend: backend}
	fail := func(err error, hint string) (*AWSVaultStore, error) {
		return nil, &AWSVaultBackendError{Backend: backend, Err: err, Hint: hint}
	}
	switch backend {
	case BackendFile:
		s.where = cfg.FileDir
		if _, err := os.Stat(cfg.FileDir); err != nil {
			return fail(err, "set AWS_VAULT_FILE_DIR if aws-vault's file store is elsewhere")
		}
		ring, err := openAWSVaultFile(cfg.FileDir, cfg.FilePassphrase)
		if err != nil {
			return fail(err, "")
		}
		s.ring = ring
	case BackendSecretService:
		s.where = "collection " + cfg.SecretServiceCollection
		ring, closer, err := openAWSVaultSecretService(cfg)
		if err != nil {
			return fail(err, "")
		}
		s.ring, s.close = ring, closer
	case BackendPass:
		s.where = filepath.Join(cfg.PassDir, cfg.PassPrefix)
		ring, err := keyring.Open(keyring.Config{
			AllowedBackends: []keyring.BackendType{keyring.PassBackend},
			PassDir:         cfg.PassDir, PassCmd: cfg.PassCmd, PassPrefix: cfg.PassPrefix,
		})
		if err != nil {
			return fail(err, "")
		}
		s.ring = ring
	case BackendKeychain, BackendWinCred, BackendKeyctl:
		types := map[string]keyring.BackendType{BackendKeychain: keyring.KeychainBackend, BackendWinCred: keyring.WinCredBackend, BackendKeyctl: keyring.KeyCtlBackend}
		s.where = map[string]string{BackendKeychain: "keychain " + cfg.KeychainName, BackendWinCred: "credentials aws-vault:*", BackendKeyctl: "kernel keyring aws-vault"}[backend]
		ring, err := keyring.Open(keyring.Config{
			AllowedBackends: []keyring.BackendType{types[backend]},
			ServiceName:     "aws-vault",
			KeychainName:    cfg.KeychainName,
			WinCredPrefix:   "aws-vault",
		})
		if err != nil {
			return fail(err, "this build of awskeep cannot open it; run 'aws-vault export --format=ini --no-session' per profile and 'awskeep add PROFILE' instead")
		}
		s.ring = ring
	default:
		return fail(fmt.Errorf("unknown or unsupported backend %q", backend), "set AWS_VAULT_BACKEND to file, secret-service, pass, keychain, wincred or keyctl")
	}
	if cfg.Backend == "" && backend != BackendFile {
		if names, err := s.Profiles(); err == nil && len(names) == 0 && fileStoreHasItems(cfg.FileDir) {
			s.Close()
			return fail(errors.New("it holds no aws-vault keys, but aws-vault's file store "+cfg.FileDir+" has items"),
				"set AWS_VAULT_BACKEND=file (and AWS_VAULT_FILE_PASSPHRASE, or type it when asked)")
		}
	}
	return s, nil
}

func fileStoreHasItems(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}

// aws-vault's cached sessions and Identity Center tokens share the store.
var awsVaultSessionKey = regexp.MustCompile(`^[^,]+,[^,]+,[^,]*,[0-9]+$|^session:[^ ]+:[^ ]*:[^:]+$|^.+? session \(\d+\)$`)

func isAWSVaultKeyName(name string) bool {
	return name != "" && !strings.HasPrefix(name, "oidc:") && !awsVaultSessionKey.MatchString(name)
}

// Profiles lists the profiles aws-vault holds a key for, sorted.
func (s *AWSVaultStore) Profiles() ([]string, error) {
	all, err := s.ring.Keys()
	if err != nil {
		return nil, s.wrap(err)
	}
	var names []string
	for _, n := range all {
		if isAWSVaultKeyName(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Key reads aws-vault's key for profile.
func (s *AWSVaultStore) Key(profile string) (AWSVaultKey, error) {
	item, err := s.ring.Get(profile)
	if errors.Is(err, keyring.ErrKeyNotFound) {
		available, _ := s.Profiles()
		return AWSVaultKey{}, &AWSVaultNotFoundError{Profile: profile, Backend: s.backend, Where: s.where, Available: available}
	}
	if err != nil {
		return AWSVaultKey{}, s.wrap(err)
	}
	var c awsVaultCredentials
	if err := json.Unmarshal(item.Data, &c); err != nil || c.AccessKeyID == "" {
		return AWSVaultKey{}, fmt.Errorf("aws-vault's item %s in %s is not a key aws-vault wrote: %v", profile, s.where, err)
	}
	return AWSVaultKey{Profile: profile, AccessKeyID: c.AccessKeyID, SecretAccessKey: Secret(c.SecretAccessKey), SessionToken: Secret(c.SessionToken)}, nil
}

// Remove deletes aws-vault's copy of a key.
func (s *AWSVaultStore) Remove(profile string) error {
	return s.wrap(s.ring.Remove(profile))
}

func (s *AWSVaultStore) wrap(err error) error {
	if err == nil {
		return nil
	}
	var typed *AWSVaultPassphraseError
	if errors.As(err, &typed) {
		return err
	}
	return fmt.Errorf("aws-vault's %s keyring (%s): %w", s.backend, s.where, err)
}

// awsVaultFile reads aws-vault's file store: keyring's file format (one JWE
// file per item, PBES2 with the passphrase), which aws-vault writes without
// any passphrase marker, so a wrong passphrase shows as an item that does
// not decrypt. Listing needs no passphrase; the first read asks for it.
type awsVaultFile struct {
	dir  string
	ring keyring.Keyring
}

func openAWSVaultFile(dir string, ask func(prompt string) (Secret, error)) (*awsVaultFile, error) {
	ring, err := keyring.Open(keyring.Config{
		AllowedBackends: []keyring.BackendType{keyring.FileBackend},
		FileDir:         dir,
		FilePasswordFunc: func(string) (string, error) {
			if ask == nil {
				return "", &AWSVaultBackendError{Backend: BackendFile, Err: errNoAWSVaultPassphrase, Hint: "set AWS_VAULT_FILE_PASSPHRASE or run on a terminal"}
			}
			p, err := ask(fmt.Sprintf("Passphrase of aws-vault's file keyring in %s: ", dir))
			return p.Reveal(), err
		},
	})
	if err != nil {
		return nil, err
	}
	return &awsVaultFile{dir: dir, ring: ring}, nil
}

func (f *awsVaultFile) Keys() ([]string, error) { return f.ring.Keys() }

func (f *awsVaultFile) Get(key string) (keyring.Item, error) {
	item, err := f.ring.Get(key)
	var pathErr *fs.PathError
	var backendErr *AWSVaultBackendError
	if err != nil && !errors.Is(err, keyring.ErrKeyNotFound) && !errors.As(err, &pathErr) && !errors.As(err, &backendErr) {
		return keyring.Item{}, &AWSVaultPassphraseError{Dir: f.dir, Item: key}
	}
	return item, err
}

func (f *awsVaultFile) Remove(key string) error { return f.ring.Remove(key) }
