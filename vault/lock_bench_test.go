package vault

import (
	"context"
	"testing"
)

// BenchmarkLockUncontended is one Lock and unlock of a free lock, the cost
// every cache miss pays (with the holder's pid written for waiters).
func BenchmarkLockUncontended(b *testing.B) {
	cfg := Config{Backend: BackendFile, FileDir: b.TempDir(), LockDir: b.TempDir(), Home: b.TempDir()}
	s, err := Open(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for b.Loop() {
		unlock, err := s.Lock(ctx, "session-bench")
		if err != nil {
			b.Fatal(err)
		}
		unlock()
	}
}
