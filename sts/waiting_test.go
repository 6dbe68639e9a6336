package sts

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// waitLog is a WaitFunc (and vault.Config.Waiting) that records when each
// wait starts and ends, and which are in progress.
type waitLog struct {
	mu      sync.Mutex
	events  []string
	active  []string
	started chan string // each start, when set
}

func (w *waitLog) waiting(what string) func() {
	w.mu.Lock()
	w.events = append(w.events, "start "+what)
	w.active = append(w.active, what)
	w.mu.Unlock()
	if w.started != nil {
		w.started <- what
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.events = append(w.events, "end "+what)
			w.active = slices.DeleteFunc(w.active, func(a string) bool { return a == what })
		})
	}
}

func (w *waitLog) inProgress() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.active...)
}

func (w *waitLog) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.events...)
}

// TestSTSCallsAreReportedAsWaits: each STS call is a wait that says which
// call for which profile, in progress while AWS answers and ended after;
// a cached session is no wait.
func TestSTSCallsAreReportedAsWaits(t *testing.T) {
	waits := &waitLog{}
	fake := awstest.NewFake(t)
	var during []string
	answer := func(r awstest.Request, n int) awstest.Reply {
		during = append(during, fmt.Sprint(r.Action+" ", waits.inProgress()))
		return awstest.Result(awstest.CredentialsXML(fmt.Sprintf("ASIAFAKE%04d", n), "s", "t", time.Now().Add(12*time.Hour)))
	}
	fake.Handle("GetSessionToken", answer)
	fake.Handle("AssumeRole", answer)
	p := &Provider{Cache: newMemCache(), Key: fakeKey, Config: fastConfig(fake.URL), MFA: (&countingMFA{code: "123456"}).get}
	chain := chainOf(profiles.Hop{Profile: "base", MFASerial: helperMFASerial}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::111122223333:role/admin"})
	r := p.resolver(chain)
	r.Waiting = waits.waiting
	if _, err := r.Credentials(context.Background(), chain, Options{}); err != nil {
		t.Fatal(err)
	}
	wantDuring := []string{
		"GetSessionToken [asking AWS STS for a session for base]",
		"AssumeRole [asking AWS STS for a role session for admin]",
	}
	if !slices.Equal(during, wantDuring) {
		t.Errorf("waits in progress during the calls:\n%q\nwant\n%q", during, wantDuring)
	}
	want := []string{
		"start asking AWS STS for a session for base", "end asking AWS STS for a session for base",
		"start asking AWS STS for a role session for admin", "end asking AWS STS for a role session for admin",
	}
	if got := waits.got(); !slices.Equal(got, want) {
		t.Errorf("waits:\n%q\nwant\n%q", got, want)
	}
	if _, err := r.Credentials(context.Background(), chain, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := waits.got(); len(got) != len(want) {
		t.Errorf("a cached session was reported as a wait: %q", got[len(want):])
	}
}

// TestHeldSessionLockIsReportedAsWait: while another process holds the
// session's lock, the store reports a wait naming that process and the
// profile; it ends when the lock is let go, before the STS call's own.
func TestHeldSessionLockIsReportedAsWait(t *testing.T) {
	f := newSessionFake(t)
	work := t.TempDir()
	lockDir := filepath.Join(work, "locks")
	chain := chainOf(profiles.Hop{Profile: "base"})
	waits := &waitLog{started: make(chan string, 8)}
	store, err := vault.Open(vault.Config{Backend: vault.BackendFile, FileDir: filepath.Join(work, "store"), LockDir: lockDir, Home: work,
		FilePassphrase: func(string) (vault.Secret, error) { return "test-passphrase", nil }, Waiting: waits.waiting})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	p := &Provider{Cache: store, Key: fakeKey, Config: fastConfig(f.URL)}
	final, err := p.plan(chain, Options{})
	if err != nil {
		t.Fatal(err)
	}

	holder := exec.Command(os.Args[0], "-test.run=^TestHelperHoldSessionLock$", "-test.count=1")
	holder.Env = append(os.Environ(), helperEnv+"="+work, "AWSKEEP_STS_TEST_LOCK="+lockDir+string(os.PathListSeparator)+"session-"+final.id)
	letGo, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	said, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer letGo.Close()
	buf := make([]byte, len("locked\n"))
	if _, err := io.ReadFull(said, buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("holder said %q, %v", buf, err)
	}

	r := p.resolver(chain)
	r.Waiting = waits.waiting
	result := make(chan error, 1)
	go func() {
		_, err := r.Credentials(context.Background(), chain, Options{})
		result <- err
	}()
	want := fmt.Sprintf("waiting for another awskeep (pid %d) getting a session for base", holder.Process.Pid)
	select {
	case what := <-waits.started:
		if what != want {
			t.Errorf("first wait %q, want %q", what, want)
		}
	case err := <-result:
		t.Fatalf("Credentials returned (%v) while another process held the lock", err)
	}
	if got := waits.inProgress(); !slices.Equal(got, []string{want}) {
		t.Errorf("waits in progress while the lock is held: %q", got)
	}
	letGo.Close()
	if err := <-result; err != nil {
		t.Fatal(err)
	}
	wantEvents := []string{"start " + want, "end " + want,
		"start asking AWS STS for a session for base", "end asking AWS STS for a session for base"}
	if got := waits.got(); !slices.Equal(got, wantEvents) {
		t.Errorf("waits:\n%q\nwant\n%q", got, wantEvents)
	}
}

// TestHelperHoldSessionLock is the other process of
// TestHeldSessionLockIsReportedAsWait: it holds a lock until stdin closes.
func TestHelperHoldSessionLock(t *testing.T) {
	spec := os.Getenv("AWSKEEP_STS_TEST_LOCK")
	if spec == "" {
		t.Skip("helper process only")
	}
	lockDir, name := filepath.SplitList(spec)[0], filepath.SplitList(spec)[1]
	store := openSessionStore(t, t.TempDir(), lockDir)
	unlock, err := store.Lock(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("locked\n")
	io.Copy(io.Discard, os.Stdin)
	unlock()
}

// TestRotationWaits: a rotation reports each wait on AWS, in order, each
// ended before the next, including the wait for IAM to propagate the key.
func TestRotationWaits(t *testing.T) {
	fake := &fakeIAM{keys: []string{fakeOldKey}, rejectNew: 1}
	r, _ := fakeRotator(newFakeIAM(t, fake))
	r.Hop.MFASerial = "arn:aws:iam::111122223333:mfa/fake"
	r.MFA = func(context.Context, profiles.Hop) (string, error) { return "123456", nil }
	clock := &fakeClock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	r.Now, r.Sleep = clock.Now, clock.Sleep
	waits := &waitLog{}
	r.Waiting = waits.waiting
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, what := range []string{
		"asking AWS STS whose key work holds",
		"asking AWS STS for a session for work",
		"asking AWS IAM for work's keys",
		"asking AWS IAM for a new key for work",
		"waiting for AWS to accept work's new key (IAM propagates it)",
		"asking AWS IAM to delete work's old key",
	} {
		want = append(want, "start "+what, "end "+what)
	}
	got := waits.got()
	if !slices.Equal(got, want) {
		t.Errorf("waits:\n%q\nwant\n%q", got, want)
	}
}

// TestSSOWaits: a due token's refresh and the portal's role credentials
// are each a wait that names the session or the role.
func TestSSOWaits(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{})
	writeToken(t, r, "corp", 5*time.Minute)
	sess := r.session(r.ssoConfig("corp"), false)
	waits := &waitLog{}
	sess.Waiting = waits.waiting
	if _, err := sess.RoleCredentials(context.Background(), "111111111111", "Developer"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"start asking IAM Identity Center to renew the token of corp", "end asking IAM Identity Center to renew the token of corp",
		"start asking IAM Identity Center for role Developer in account 111111111111", "end asking IAM Identity Center for role Developer in account 111111111111",
	}
	if got := waits.got(); !slices.Equal(got, want) {
		t.Errorf("waits:\n%q\nwant\n%q", got, want)
	}
}
