package cmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// factory hands out a command's dependencies lazily, so `version` and
// `--help` never open a keyring or read a file, and tests can swap any of them.
type factory struct {
	IO      *ioStreams
	Getenv  func(string) string
	HomeDir func() (string, error)
	Now     func() time.Time
	Log     *slog.Logger

	// backend is the --backend flag; empty means AWSKEEP_BACKEND or auto.
	backend string

	profilesOnce sync.Once
	profileSet   *profiles.Set
	profilesErr  error

	vaultOnce sync.Once
	store     *vault.Store
	vaultErr  error

	// openVault opens the keyring; tests replace it.
	openVault func(vault.Config) (*vault.Store, error)

	// openBrowser opens a URL for an SSO login; nil is the system's opener.
	openBrowser func(url string) error
	// fileExists checks a path (/.dockerenv); nil is os.Stat.
	fileExists func(path string) bool

	// Passphrase asking of the file keyring (passphrase.go): whether one
	// line of stdin may answer when there is no terminal, and whether a
	// typed passphrase leaves the store unlocked (not for unlock itself).
	passphraseFromStdin bool
	noUnlockSideEffect  bool

	// The status line of waits (status.go), made on first use; statusAfter
	// is its timer (nil: time.AfterFunc; tests pass a fake).
	statusOnce  sync.Once
	statusLn    *statusLine
	statusAfter afterFunc

	// running is the command being run, for hints that apply to it
	// (hints.go); nil before one runs and in tests of runX functions.
	running *cobra.Command

	// pickProfile lets the user choose a profile on the terminal when none
	// is given; nil (as in tests) means there is no picker.
	pickProfile func(ctx context.Context, names []string) (string, error)
}

func newSystemFactory() *factory {
	streams := systemStreams()
	return &factory{
		IO:          streams,
		Getenv:      os.Getenv,
		HomeDir:     os.UserHomeDir,
		Now:         time.Now,
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		openVault:   vault.Open,
		pickProfile: pickProfileOnTerminal(streams.openTTY),
	}
}

// ProfilePaths are the config and credentials files, as the AWS CLI finds them.
func (f *factory) ProfilePaths() (profiles.Paths, error) {
	home, err := f.HomeDir()
	if err != nil && (f.Getenv("AWS_CONFIG_FILE") == "" || f.Getenv("AWS_SHARED_CREDENTIALS_FILE") == "") {
		return profiles.Paths{}, fmt.Errorf("finding the home directory for ~/.aws: %w", err)
	}
	return profiles.PathsFromEnv(f.Getenv, home), nil
}

// Profiles loads the config files once per command.
func (f *factory) Profiles() (*profiles.Set, error) {
	f.profilesOnce.Do(func() {
		paths, err := f.ProfilePaths()
		if err != nil {
			f.profilesErr = err
			return
		}
		f.profileSet, f.profilesErr = profiles.Load(paths)
	})
	return f.profileSet, f.profilesErr
}

// ReloadProfiles forgets the loaded files after a command edited them.
func (f *factory) ReloadProfiles() {
	f.profilesOnce = sync.Once{}
	f.profileSet, f.profilesErr = nil, nil
}

// status is the command's status line for waits: on a terminal's stderr
// only, shown after a second (status.go).
func (f *factory) status() *statusLine {
	f.statusOnce.Do(func() { f.statusLn = newStatusLine(f.IO, f.Log, f.statusAfter) })
	return f.statusLn
}

// resetVault forgets the opened keyring (tests run several commands on one factory).
func (f *factory) resetVault() {
	f.statusOnce, f.statusLn = sync.Once{}, nil
	f.vaultOnce = sync.Once{}
	f.store, f.vaultErr = nil, nil
	f.passphraseFromStdin, f.noUnlockSideEffect = false, false
}

// Vault opens the keyring once per command, choosing the backend now rather
// than at start-up.
func (f *factory) Vault() (*vault.Store, error) {
	f.vaultOnce.Do(func() {
		cfg, err := f.vaultConfig()
		if err != nil {
			f.vaultErr = err
			return
		}
		f.Log.Debug("opening keyring", "backend", cfg.Backend)
		f.store, f.vaultErr = f.openVault(cfg)
		if f.vaultErr == nil {
			f.Log.Debug("keyring open", "backend", f.store.Backend())
		}
	})
	return f.store, f.vaultErr
}

// vaultConfig is the keyring configuration from the environment and flags.
func (f *factory) vaultConfig() (vault.Config, error) {
	home, err := f.HomeDir()
	if err != nil {
		return vault.Config{}, fmt.Errorf("finding the home directory: %w", err)
	}
	cfg := vault.ConfigFromEnv(f.Getenv, home)
	if f.backend != "" {
		cfg.Backend = f.backend
	}
	cfg.FileAsk = f.fileAsk
	cfg.Waiting = f.status().waiting
	return cfg, nil
}

// readHidden reads one line without echo when rw is a terminal.
func readHidden(rw io.ReadWriter) (string, error) {
	if fd, ok := rw.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(fd.Fd())) {
		b, err := term.ReadPassword(int(fd.Fd()))
		return string(b), err
	}
	return readLine(rw)
}

// maxLineLen bounds what readLine accepts: every answer awskeep reads (a
// key ID of at most 128 characters, a secret, an MFA code, a passphrase)
// fits many times over, and a runaway input stops at once.
const maxLineLen = 4096

// errLineTooLong: the input line passed maxLineLen.
var errLineTooLong = fmt.Errorf("the line is longer than %d bytes; that is no key, secret or code", maxLineLen)

// readLine reads one line byte by byte, so nothing after it is consumed.
func readLine(r io.Reader) (string, error) {
	var line []byte
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			if len(line) == maxLineLen {
				return "", errLineTooLong
			}
			line = append(line, buf[0])
		}
		if err == io.EOF {
			if len(line) == 0 {
				return "", io.ErrUnexpectedEOF
			}
			break
		}
		if err != nil {
			return "", err
		}
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line), nil
}

// hints is the context of the running command, for explanations printed
// while it runs.
func (f *factory) hints() hintContext { return hintsFor(f.running) }
