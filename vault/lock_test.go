package vault

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLockSerialisesGoroutines(t *testing.T) {
	s := openStore(t, fileConfig(t, t.TempDir(), nil))
	var holders, maxHolders atomic.Int32
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := s.Lock(context.Background(), "sts/dev")
			if err != nil {
				t.Error(err)
				return
			}
			n := holders.Add(1)
			for {
				m := maxHolders.Load()
				if n <= m || maxHolders.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(30 * time.Millisecond)
			holders.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if m := maxHolders.Load(); m != 1 {
		t.Errorf("%d goroutines held the lock at once", m)
	}
}

func TestLockCancel(t *testing.T) {
	s := openStore(t, fileConfig(t, t.TempDir(), nil))
	unlock, err := s.Lock(context.Background(), "busy")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.Lock(ctx, "busy")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock on a held lock = %v, want DeadlineExceeded", err)
	}
	if waited := time.Since(start); waited < 90*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waited %v", waited)
	}
	// Other names are independent.
	other, err := s.Lock(ctx, "other")
	if err == nil {
		other()
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Error(err)
	}
}

// TestLockAcrossProcesses holds a lock in a child process (this test binary
// re-run as a helper) and checks the parent waits for the child to let go.
func TestLockAcrossProcesses(t *testing.T) {
	lockDir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), helperEnv+"=hold-lock", "AWSKEEP_TEST_LOCK_DIR="+lockDir)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	if line, err := readLineTimeout(stdout, 10*time.Second); err != nil || line != "locked" {
		t.Fatalf("child said %q, %v", line, err)
	}
	cfg := fileConfig(t, t.TempDir(), nil)
	cfg.LockDir = lockDir
	s := openStore(t, cfg)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx, "shared"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lock held by another process was granted: %v", err)
	}
	start := time.Now()
	unlock, err := s.Lock(context.Background(), "shared")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("got the lock after %v, before the child released it", waited)
	}
}

func helperHoldLock() {
	s, err := Open(Config{Backend: BackendFile, FileDir: os.TempDir(), LockDir: os.Getenv("AWSKEEP_TEST_LOCK_DIR")})
	if err != nil {
		panic(err)
	}
	unlock, err := s.Lock(context.Background(), "shared")
	if err != nil {
		panic(err)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(400 * time.Millisecond)
	unlock()
}
