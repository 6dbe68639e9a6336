package vault

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// pollCounter is a LockWait that counts the pauses of a waiting Lock and
// ends the wait (cancel) at the nth, without waiting on the clock.
type pollCounter struct {
	polls  atomic.Int32
	n      int32
	cancel context.CancelFunc
}

func (p *pollCounter) wait(ctx context.Context, _ time.Duration) error {
	if p.polls.Add(1) >= p.n {
		p.cancel()
	}
	return ctx.Err()
}

func TestLockCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := &pollCounter{n: 3, cancel: cancel}
	cfg := fileConfig(t, t.TempDir(), nil)
	cfg.LockWait = polls.wait
	s := openStore(t, cfg)
	unlock, err := s.Lock(context.Background(), "busy")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err = s.Lock(ctx, "busy"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock on a held lock = %v, want Canceled", err)
	}
	if n := polls.polls.Load(); n != 3 {
		t.Errorf("the held lock was tried %d times before the wait ended, want 3", n)
	}
	// Other names are independent: granted at once (any pause would end
	// the wait with an error).
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	polls.n, polls.cancel = 0, cancel2
	other, err := s.Lock(ctx2, "other")
	if err != nil {
		t.Fatalf("Lock on a free name while another is held: %v", err)
	}
	other()
	// Released, the name is free again.
	unlock()
	again, err := s.Lock(context.Background(), "busy")
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	again()
}

// TestLockAcrossProcesses holds a lock in a child process (this test binary
// re-run as a helper) until told to let go: the lock is not granted while
// the child holds it, and is once it has let go.
func TestLockAcrossProcesses(t *testing.T) {
	lockDir := t.TempDir()
	_, stdin := startLockHolder(t, lockDir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := &pollCounter{n: 5, cancel: cancel}
	cfg := fileConfig(t, t.TempDir(), nil)
	cfg.LockDir, cfg.LockWait = lockDir, polls.wait
	if _, err := openStore(t, cfg).Lock(ctx, "shared"); !errors.Is(err, context.Canceled) {
		t.Fatalf("lock held by another process was granted: %v", err)
	}
	stdin.Close() // let go
	cfg.LockWait = nil
	unlock, err := openStore(t, cfg).Lock(context.Background(), "shared")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
}

// startLockHolder runs this test binary as a child that holds lock "shared"
// in lockDir until its stdin is closed; it returns once the child holds it.
// The test's cleanup closes stdin and waits for the child.
func startLockHolder(t *testing.T, lockDir string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), helperEnv+"=hold-lock", "AWSKEEP_TEST_LOCK_DIR="+lockDir)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		child.Wait()
	})
	if line, err := readLineTimeout(stdout, 10*time.Second); err != nil || line != "locked" {
		t.Fatalf("child said %q, %v", line, err)
	}
	return child, stdin
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
	io.Copy(io.Discard, os.Stdin) // hold until the parent closes stdin
	unlock()
}

// waitRecorder is a Config.Waiting that records what was waited for and
// whether each wait ended.
type waitRecorder struct {
	mu    sync.Mutex
	whats []string
	ended int
}

func (w *waitRecorder) waiting(what string) func() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.whats = append(w.whats, what)
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.ended++
	}
}

func (w *waitRecorder) got() ([]string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.whats...), w.ended
}

// TestLockWaitSaysWhoHoldsIt: a lock held by another process tells
// Config.Waiting once what the caller waits for, naming the holder's pid
// and the purpose, and ends that wait when the lock is granted.
func TestLockWaitSaysWhoHoldsIt(t *testing.T) {
	lockDir := t.TempDir()
	child, stdin := startLockHolder(t, lockDir)
	rec := &waitRecorder{}
	var ended atomic.Int32
	cfg := fileConfig(t, t.TempDir(), nil)
	cfg.LockDir, cfg.Waiting = lockDir, rec.waiting
	// The first pause lets the child go; later ones wait for it to exit.
	cfg.LockWait = func(ctx context.Context, d time.Duration) error {
		if _, n := rec.got(); n > 0 {
			ended.Store(1)
		}
		stdin.Close()
		return sleepCtx(ctx, d)
	}
	ctx := WithLockPurpose(context.Background(), "getting a session for prod")
	unlock, err := openStore(t, cfg).Lock(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	whats, n := rec.got()
	want := fmt.Sprintf("waiting for another awskeep (pid %d) getting a session for prod", child.Process.Pid)
	if len(whats) != 1 || whats[0] != want {
		t.Errorf("waits reported: %q, want [%q]", whats, want)
	}
	if n != 1 || ended.Load() != 0 {
		t.Errorf("the wait ended %d times (early: %v), want once, when the lock was granted", n, ended.Load() != 0)
	}
}

// TestLockWaitNotReported: a free lock, and one held by this same process
// (its own goroutine), report no wait.
func TestLockWaitNotReported(t *testing.T) {
	rec := &waitRecorder{}
	cfg := fileConfig(t, t.TempDir(), nil)
	cfg.Waiting = rec.waiting
	s := openStore(t, cfg)
	unlock, err := s.Lock(context.Background(), "busy")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := &pollCounter{n: 2, cancel: cancel}
	cfg.LockWait = polls.wait
	if _, err := openStore(t, cfg).Lock(ctx, "busy"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock on a held lock = %v, want Canceled", err)
	}
	unlock()
	if whats, _ := rec.got(); len(whats) != 0 {
		t.Errorf("waits reported: %q, want none", whats)
	}
}
