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

func (s *Store) notePath(name string) (string, error) {
	dir, err := s.lockDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, escapeField(name)+".note"), nil
}

// SetLockNote leaves data for the next holders of lock name.
func (s *Store) SetLockNote(name string, data []byte) error {
	if name == "" {
		return errors.New("vault: a lock note needs a name")
	}
	path, err := s.notePath(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating the lock directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".note-*")
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
	return os.Rename(tmp.Name(), path)
}

// LockNote returns the note left for lock name, or a *NotFoundError.
func (s *Store) LockNote(name string) ([]byte, error) {
	path, err := s.notePath(name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Kind: "lock note", Name: name}
	}
	return data, err
}

// ClearLockNote drops the note of lock name, if any.
func (s *Store) ClearLockNote(name string) error {
	path, err := s.notePath(name)
	if err != nil {
		return err
	}
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
