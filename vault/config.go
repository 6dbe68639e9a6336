package vault

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/awskeep/awskeep/internal/homepath"
)

// Backend names, as AWSKEEP_BACKEND spells them.
const (
	BackendSecretService = "secret-service"
	BackendKWallet       = "kwallet"
	BackendKeychain      = "keychain"
	BackendWinCred       = "wincred"
	BackendPass          = "pass"
	BackendKeyctl        = "keyctl"
	BackendFile          = "file"
)

// BackendNames lists every backend name Config.Backend accepts besides "".
func BackendNames() []string {
	return []string{BackendSecretService, BackendKWallet, BackendKeychain, BackendWinCred,
		BackendPass, BackendKeyctl, BackendFile}
}

// Config says which keyring to open and how. Empty fields take the defaults
// documented on each.
type Config struct {
	// Backend is "" for automatic choice (see Open) or one of BackendNames.
	Backend string
	// FileDir holds the file backend's encrypted items; default ~/.awskeep/keys.
	FileDir string
	// FilePassphrase supplies the file backend's passphrase. Open asks it at
	// most once per Store, and only when an item must be read or written
	// while the store is locked. FileAsk, when set, is used instead.
	FilePassphrase func(prompt string) (Secret, error)
	// FileAsk supplies the file backend's passphrase with what the request
	// is about (a new store needs it confirmed) and lets the answer unlock
	// the store for a while. It is asked at most once per Store.
	FileAsk func(PassphraseRequest) (PassphraseAnswer, error)
	// PassDir is the password store; default PASSWORD_STORE_DIR or ~/.password-store.
	PassDir string
	// PassCmd is the pass program; default "pass".
	PassCmd string
	// PassPrefix is the folder inside the password store; default "awskeep".
	PassPrefix string
	// SecretServiceCollection is the collection name or alias; default "login".
	SecretServiceCollection string
	// KeyctlScope is the kernel keyring that holds ours; default "user".
	KeyctlScope string
	// KeyctlKeyring is the named keyring created under the scope; default "awskeep".
	KeyctlKeyring string
	// LockDir holds lock files; default $XDG_RUNTIME_DIR/awskeep or ~/.awskeep/locks.
	LockDir string
	// LockDirFallback is used instead of LockDir when LockDir cannot be
	// created or cannot hold a file. The default LockDir under
	// XDG_RUNTIME_DIR (whose parent is never created) falls back to
	// ~/.awskeep/locks; a LockDir given explicitly has none.
	LockDirFallback string
	// LockWait pauses a waiting Lock between tries; nil sleeps. Tests use
	// it to see the waits (and end them) without waiting on the clock.
	LockWait func(ctx context.Context, d time.Duration) error
	// Waiting, when set, is told when a lock is held by another process
	// and a caller starts to wait for it ("waiting for another awskeep
	// (pid 123) getting a session for prod", see WithLockPurpose); the
	// func it returns is called when the wait ends. It must not block;
	// vault itself never prints.
	Waiting func(what string) (done func())
	// Home is the user's home directory used for the defaults above.
	Home string
	// Getenv reads the environment for backend discovery (XDG_RUNTIME_DIR,
	// DBUS_SESSION_BUS_ADDRESS, PASSWORD_STORE_DIR); nil means os.Getenv.
	Getenv func(string) string
}

// ConfigFromEnv builds a Config from AWSKEEP_* variables and the usual
// environment. It reads AWSKEEP_BACKEND, AWSKEEP_FILE_DIR, AWSKEEP_PASS_DIR,
// AWSKEEP_PASS_CMD, AWSKEEP_SECRET_SERVICE_COLLECTION, AWSKEEP_KEYCTL_SCOPE,
// AWSKEEP_KEYCTL_KEYRING and AWSKEEP_LOCK_DIR; a leading ~ in the *_DIR ones
// means home, as in AWS_CONFIG_FILE. The file passphrase is left to the
// caller (cmd reads AWSKEEP_FILE_PASSPHRASE or prompts).
func ConfigFromEnv(getenv func(string) string, home string) Config {
	cfg := Config{
		Backend:                 strings.TrimSpace(getenv("AWSKEEP_BACKEND")),
		FileDir:                 homepath.Expand(getenv("AWSKEEP_FILE_DIR"), home),
		PassDir:                 homepath.Expand(getenv("AWSKEEP_PASS_DIR"), home),
		PassCmd:                 getenv("AWSKEEP_PASS_CMD"),
		SecretServiceCollection: getenv("AWSKEEP_SECRET_SERVICE_COLLECTION"),
		KeyctlScope:             getenv("AWSKEEP_KEYCTL_SCOPE"),
		KeyctlKeyring:           getenv("AWSKEEP_KEYCTL_KEYRING"),
		LockDir:                 homepath.Expand(getenv("AWSKEEP_LOCK_DIR"), home),
		Home:                    home,
		Getenv:                  getenv,
	}
	return cfg.withDefaults()
}

// withDefaults fills every empty field that has a default.
func (c Config) withDefaults() Config {
	if c.Getenv == nil {
		c.Getenv = osGetenv
	}
	if c.Home == "" {
		c.Home = userHome()
	}
	if c.FileDir == "" {
		c.FileDir = filepath.Join(c.Home, ".awskeep", "keys")
	}
	if c.PassDir == "" {
		c.PassDir = c.Getenv("PASSWORD_STORE_DIR")
	}
	if c.PassDir == "" {
		c.PassDir = filepath.Join(c.Home, ".password-store")
	}
	if c.PassCmd == "" {
		c.PassCmd = "pass"
	}
	if c.PassPrefix == "" {
		c.PassPrefix = "awskeep"
	}
	if c.SecretServiceCollection == "" {
		c.SecretServiceCollection = "login"
	}
	if c.KeyctlScope == "" {
		c.KeyctlScope = "user"
	}
	if c.KeyctlKeyring == "" {
		c.KeyctlKeyring = "awskeep"
	}
	if c.LockDir == "" {
		if rt := c.Getenv("XDG_RUNTIME_DIR"); rt != "" && runtime.GOOS != "windows" {
			c.LockDir = filepath.Join(rt, "awskeep")
			c.LockDirFallback = filepath.Join(c.Home, ".awskeep", "locks")
		} else {
			c.LockDir = filepath.Join(c.Home, ".awskeep", "locks")
		}
	}
	return c
}
