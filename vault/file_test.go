package vault

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func fileConfig(t *testing.T, dir string, ask func(string) (Secret, error)) Config {
	return Config{Backend: BackendFile, FileDir: dir, LockDir: t.TempDir(), FilePassphrase: ask, Home: t.TempDir()}
}

func TestFileListingNeedsNoPassphrase(t *testing.T) {
	dir := t.TempDir()
	writer := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	if err := writer.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := writer.PutSession(Session{ID: "abc", Profile: "dev", SourceKeyID: "AKIA1", Expiration: exp}); err != nil {
		t.Fatal(err)
	}

	never := func(string) (Secret, error) {
		t.Error("listing asked for the passphrase")
		return "", errors.New("no passphrase here")
	}
	reader := openStore(t, fileConfig(t, dir, never))
	infos, err := reader.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].ID != "abc" || infos[0].Profile != "dev" || infos[0].SourceKeyID != "AKIA1" || !infos[0].Expiration.Equal(exp) {
		t.Errorf("Sessions() = %+v", infos)
	}
	if profiles, err := reader.KeyProfiles(); err != nil || len(profiles) != 1 || profiles[0] != "dev" {
		t.Errorf("KeyProfiles() = %q, %v", profiles, err)
	}
	if n, err := reader.DeleteSessions(func(SessionInfo) bool { return true }); err != nil || n != 1 {
		t.Errorf("DeleteSessions() = %d, %v", n, err)
	}
	// A missing item is reported without asking either.
	var nf *NotFoundError
	if _, err := reader.Key("nope"); !errors.As(err, &nf) {
		t.Errorf("Key(nope) = %v, want NotFoundError", err)
	}
}

func TestFileWrongPassphrase(t *testing.T) {
	dir := t.TempDir()
	good := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	if err := good.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	before := dirNames(t, dir)

	operations := []struct {
		name string
		run  func(s *Store) error
	}{
		{"Key", func(s *Store) error { _, err := s.Key("dev"); return err }},
		{"PutKey", func(s *Store) error {
			return s.PutKey(Key{Profile: "other", AccessKeyID: "AKIA2", SecretAccessKey: "x"})
		}},
		{"PutSession", func(s *Store) error {
			return s.PutSession(Session{ID: "x", Profile: "dev", Expiration: time.Now().Add(time.Hour)})
		}},
	}
	for _, op := range operations {
		t.Run(op.name, func(t *testing.T) {
			var asked atomic.Int32
			bad := openStore(t, fileConfig(t, dir, func(string) (Secret, error) {
				asked.Add(1)
				return "not the passphrase", nil
			}))
			for range 2 {
				err := op.run(bad)
				var wrong *WrongPassphraseError
				if !errors.As(err, &wrong) || wrong.Dir != dir {
					t.Fatalf("%s with a wrong passphrase: %v, want WrongPassphraseError{%s}", op.name, err, dir)
				}
				if strings.Contains(err.Error(), "KeyUnwrap") || strings.Contains(err.Error(), "integrity") {
					t.Errorf("error speaks crypto, not words: %v", err)
				}
			}
			if n := asked.Load(); n != 1 {
				t.Errorf("passphrase asked %d times, want once per Store", n)
			}
		})
	}
	if after := dirNames(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a wrong passphrase changed the store: %v -> %v", before, after)
	}
	if k, err := good.Key("dev"); err != nil || k.SecretAccessKey != "s" {
		t.Errorf("the right passphrase no longer reads: %+v, %v", k, err)
	}
}

// Two first runs racing with different passphrases: exactly one passphrase
// wins the empty store; the other gets WrongPassphraseError.
func TestFileNoMixedPassphrases(t *testing.T) {
	dir := t.TempDir()
	lockDir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := fileConfig(t, dir, fixedPassphrase(fmt.Sprintf("passphrase-%d", i%2)))
			cfg.LockDir = lockDir
			s, err := Open(cfg)
			if err == nil {
				err = s.PutKey(Key{Profile: fmt.Sprintf("p%d", i), AccessKeyID: "AKIA", SecretAccessKey: "s"})
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	won := map[int]bool{}
	for i, err := range errs {
		var wrong *WrongPassphraseError
		switch {
		case err == nil:
			won[i%2] = true
		case !errors.As(err, &wrong):
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if len(won) != 1 {
		t.Fatalf("passphrases that wrote: %v, want exactly one", won)
	}
	// Everything in the store opens with the winning passphrase.
	for pass := range won {
		s := openStore(t, fileConfig(t, dir, fixedPassphrase(fmt.Sprintf("passphrase-%d", pass))))
		profiles, _ := s.KeyProfiles()
		if len(profiles) != 3 {
			t.Errorf("stored profiles %q, want the 3 of the winner", profiles)
		}
		for _, p := range profiles {
			if _, err := s.Key(p); err != nil {
				t.Errorf("Key(%s): %v", p, err)
			}
		}
	}
}

func TestFileItemsArePrivateAndWhole(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	s := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	if err := s.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	for _, name := range dirNames(t, dir) {
		if strings.HasPrefix(name, tmpItemPrefix) {
			t.Errorf("temporary item left behind: %s", name)
		}
		fi, _ := os.Stat(filepath.Join(dir, name))
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
}

func TestFileParallelSessions(t *testing.T) {
	dir, lockDir := t.TempDir(), t.TempDir()
	// Several Stores stand for several processes sharing one directory.
	base := time.Now().Add(time.Hour).Truncate(time.Second)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := fileConfig(t, dir, fixedPassphrase(testPassphrase))
			cfg.LockDir = lockDir
			s, err := Open(cfg)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range 5 {
				sess := Session{ID: "shared", Profile: "dev", SourceKeyID: "AKIA1", AccessKeyID: fmt.Sprintf("ASIA%d-%d", w, i),
					SecretAccessKey: "s", SessionToken: "t", Expiration: base.Add(time.Duration(w*10+i) * time.Second)}
				if err := s.PutSession(sess); err != nil {
					t.Errorf("PutSession: %v", err)
				}
				if got, err := s.Session("shared"); err != nil || got.SessionToken != "t" {
					t.Errorf("Session: %+v, %v", got, err)
				}
			}
		}()
	}
	wg.Wait()
	s := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	infos, err := s.Sessions()
	if err != nil || len(infos) != 1 {
		t.Fatalf("after parallel writers: %+v, %v; want one session", infos, err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestFileDamagedItem: with the right passphrase, an item that no longer
// decrypts is reported as damaged, not as a wrong passphrase.
func TestFileDamagedItem(t *testing.T) {
	dir := t.TempDir()
	store := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	for _, p := range []string{"dev", "prod"} {
		if err := store.PutKey(Key{Profile: p, AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, keyItemName("dev"))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-10] ^= 0x01 // flip a bit in the ciphertext's tag
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	reader := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	var damaged *DamagedItemError
	var wrong *WrongPassphraseError
	if _, err := reader.Key("dev"); !errors.As(err, &damaged) || errors.As(err, &wrong) {
		t.Errorf("Key(dev) = %v, want DamagedItemError", err)
	}
	if k, err := reader.Key("prod"); err != nil || k.AccessKeyID != "AKIA1" {
		t.Errorf("Key(prod) = %+v, %v", k, err)
	}
}

// TestFileKeyInfosNeedNoPassphrase: listing keys reads item names only; a key
// whose companion item is missing is read whole instead.
func TestFileKeyInfosNeedNoPassphrase(t *testing.T) {
	dir := t.TempDir()
	created := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	writer := openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase)))
	for _, p := range []string{"a", "b"} {
		if err := writer.PutKey(Key{Profile: p, AccessKeyID: "AKIA" + strings.ToUpper(p), SecretAccessKey: "s", CreatedAt: created}); err != nil {
			t.Fatal(err)
		}
	}
	never := func(string) (Secret, error) {
		t.Error("KeyInfos asked for the passphrase")
		return "", errors.New("no")
	}
	infos, err := openStore(t, fileConfig(t, dir, never)).KeyInfos()
	if err != nil || len(infos) != 2 || infos[0].AccessKeyID != "AKIAA" || !infos[1].CreatedAt.Equal(created) {
		t.Fatalf("KeyInfos() = %+v, %v", infos, err)
	}

	if err := os.Remove(filepath.Join(dir, keyInfoItemName(infos[1]))); err != nil {
		t.Fatal(err)
	}
	infos, err = openStore(t, fileConfig(t, dir, fixedPassphrase(testPassphrase))).KeyInfos()
	if err != nil || len(infos) != 2 || infos[1].AccessKeyID != "AKIAB" {
		t.Errorf("KeyInfos() without b's companion = %+v, %v", infos, err)
	}
}
