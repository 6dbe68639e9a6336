package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// A lock note is a small message the holder of a lock leaves for those
// waiting on it (sts leaves the failure of a call, so that the callers that
// waited for that call share its result instead of each making it again).
// Notes live beside the lock files, are written whole (temporary file and
// rename, mode 0600) and must not hold secrets.

func (s *Store) notePath(name string) string {
	return filepath.Join(s.lockDir, escapeField(name)+".note")
}

// SetLockNote leaves data for the next holders of lock name.
func (s *Store) SetLockNote(name string, data []byte) error {
	if name == "" {
		return errors.New("vault: a lock note needs a name")
	}
	if err := os.MkdirAll(s.lockDir, 0o700); err != nil {
		return fmt.Errorf("creating the lock directory: %w", err)
	}
	tmp, err := os.CreateTemp(s.lockDir, ".note-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.notePath(name))
}

// LockNote returns the note left for lock name, or a *NotFoundError.
func (s *Store) LockNote(name string) ([]byte, error) {
	data, err := os.ReadFile(s.notePath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Kind: "lock note", Name: name}
	}
	return data, err
}

// ClearLockNote drops the note of lock name, if any.
func (s *Store) ClearLockNote(name string) error {
	err := os.Remove(s.notePath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
