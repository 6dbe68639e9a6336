package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/99designs/keyring"
)

// passBackend keeps items in a pass(1) store as <dir>/<prefix>/<name>.gpg.
// It is ours rather than keyring's because keyring's copies pass's stderr to
// our terminal, writes items in place, and reports an uninitialised store
// as "exit status 1". Here pass's complaints become error text, an item is
// encrypted under a temporary name and renamed into place, and removal and
// listing touch only files (no gpg, no prompt).
//
// Writes skip pass's git integration (GIT_DIR points nowhere): committing
// every cached session would flood the history, and a temporary name that
// is renamed later would leave the repository behind the files anyway.
type passBackend struct {
	cmd    string
	dir    string
	prefix string
}

var errPassNotSetUp = errors.New("pass is not installed or its store is not initialised")

// PassCommandError is pass failing, with what it said on stderr.
type PassCommandError struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *PassCommandError) Error() string {
	msg := fmt.Sprintf("pass %s: %v", strings.Join(e.Args, " "), e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

func (e *PassCommandError) Unwrap() error { return e.Err }

func openPass(cfg Config) (*passBackend, error) {
	cmd, err := exec.LookPath(cfg.PassCmd)
	if err != nil {
		return nil, &BackendError{Backend: BackendPass, Err: err,
			Hint: "install pass (apt-get install pass) or choose another backend"}
	}
	if !passInitialised(cfg) {
		return nil, &BackendError{Backend: BackendPass,
			Err:  fmt.Errorf("the password store %s is not initialised", cfg.PassDir),
			Hint: "run `pass init <gpg-key-id>`, or point AWSKEEP_PASS_DIR at an initialised store"}
	}
	return &passBackend{cmd: cmd, dir: cfg.PassDir, prefix: cfg.PassPrefix}, nil
}

// passInitialised reports whether pass is installed and the store (or our
// folder in it) names a gpg key, which `pass init` writes.
func passInitialised(cfg Config) bool {
	if _, err := exec.LookPath(cfg.PassCmd); err != nil {
		return false
	}
	for _, d := range []string{cfg.PassDir, filepath.Join(cfg.PassDir, cfg.PassPrefix)} {
		if _, err := os.Stat(filepath.Join(d, ".gpg-id")); err == nil {
			return true
		}
	}
	return false
}

func (p *passBackend) run(stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command(p.cmd, args...)
	cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+p.dir, "GIT_DIR="+filepath.Join(p.dir, ".awskeep-no-git"))
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, &PassCommandError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

func (p *passBackend) file(name string) string {
	return filepath.Join(p.dir, p.prefix, name+".gpg")
}

func (p *passBackend) Get(key string) (keyring.Item, error) {
	if _, err := os.Stat(p.file(key)); errors.Is(err, fs.ErrNotExist) {
		return keyring.Item{}, keyring.ErrKeyNotFound
	}
	out, err := p.run(nil, "show", p.prefix+"/"+key)
	if err != nil {
		return keyring.Item{}, err
	}
	return keyring.Item{Key: key, Data: out}, nil
}

func (p *passBackend) GetMetadata(string) (keyring.Metadata, error) {
	return keyring.Metadata{}, keyring.ErrMetadataNotSupported
}

func (p *passBackend) Set(item keyring.Item) error {
	var random [8]byte
	if _, err := rand.Read(random[:]); err != nil {
		return err
	}
	tmp := tmpItemPrefix + hex.EncodeToString(random[:])
	if _, err := p.run(item.Data, "insert", "--multiline", "--force", p.prefix+"/"+tmp); err != nil {
		os.Remove(p.file(tmp))
		return err
	}
	if err := os.Rename(p.file(tmp), p.file(item.Key)); err != nil {
		os.Remove(p.file(tmp))
		return err
	}
	return nil
}

func (p *passBackend) Remove(key string) error {
	err := os.Remove(p.file(key))
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.ErrKeyNotFound
	}
	return err
}

func (p *passBackend) Keys() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(p.dir, p.prefix))
	if errors.Is(err, fs.ErrNotExist) {
		return []string{}, nil
	}
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".gpg")
		if ok && !e.IsDir() && !strings.HasPrefix(name, tmpItemPrefix) {
			names = append(names, name)
		}
	}
	return names, nil
}
