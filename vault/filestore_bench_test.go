package vault

import (
	"testing"
	"time"
)

// In-process costs of the file keyring's part of a warm call (whole-process
// timings are in bench/). Run with
//
//	go test -run '^$' -bench 'File' -benchtime 20x ./vault/
//
// (without -tags awskeep_testhooks for the shipped key derivation).

// BenchmarkFileDerive is one unlock's derivation with the shipped parameters.
func BenchmarkFileDerive(b *testing.B) {
	p := shippedKDF
	p.Salt = make([]byte, saltSize)
	for b.Loop() {
		p.derive(testPassphrase)
	}
}

// BenchmarkFileWarmRead opens a store and reads one session item, as a warm
// credential-process does: v2 unlocked in the real kernel keyring, against
// the JWE format (one PBKDF2 derivation per item read).
func BenchmarkFileWarmRead(b *testing.B) {
	sess := Session{ID: "bench", Profile: "p", SourceKeyID: "AKIA", AccessKeyID: "ASIA", SecretAccessKey: "s",
		SessionToken: "t", Expiration: time.Now().Add(time.Hour)}
	b.Run("v2-unlocked", func(b *testing.B) {
		dir := b.TempDir()
		cfg := Config{Backend: BackendFile, FileDir: dir, LockDir: b.TempDir(), Home: b.TempDir(), FilePassphrase: fixedPassphrase(testPassphrase)}
		s, err := Open(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.UnlockFile(time.Hour); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.LockFile() })
		if err := s.PutSession(sess); err != nil {
			b.Fatal(err)
		}
		cfg.FilePassphrase = nil // must not be needed
		for b.Loop() {
			r, err := Open(cfg)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := r.Session("bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jwe", func(b *testing.B) {
		dir := b.TempDir()
		name := sessionItemName(sess.info())
		writeJWEStoreB(b, dir, map[string]string{name: `{"id":"bench"}`})
		for b.Loop() {
			j, err := OpenJWEStore(dir, testPassphrase)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := j.Get(name); err != nil {
				b.Fatal(err)
			}
		}
	})
}
