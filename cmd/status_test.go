package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// fakeTimers is an afterFunc whose timers fire only when the test says.
type fakeTimers struct {
	mu     sync.Mutex
	timers []*fakeTimer
	// started, when set, receives a value as each timer starts.
	started chan struct{}
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (ft *fakeTimers) after(d time.Duration, f func()) func() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t := &fakeTimer{d: d, f: f}
	ft.timers = append(ft.timers, t)
	if ft.started != nil {
		ft.started <- struct{}{}
	}
	return func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// fire runs timer i as the clock would once its time has come (a stopped
// timer whose func already started may still run: fire ignores stop, as a
// race with time.AfterFunc would).
func (ft *fakeTimers) fire(t *testing.T, i int) {
	t.Helper()
	ft.mu.Lock()
	if i >= len(ft.timers) {
		ft.mu.Unlock()
		t.Fatalf("timer %d was never started (%d started)", i, len(ft.timers))
	}
	timer := ft.timers[i]
	ft.mu.Unlock()
	if timer.d != waitStatusDelay {
		t.Errorf("timer %d is for %v, want %v", i, timer.d, waitStatusDelay)
	}
	timer.f()
}

func (ft *fakeTimers) count() int {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return len(ft.timers)
}

func terminalStreams(w io.Writer, terminal bool, width int) *ioStreams {
	return &ioStreams{ErrOut: w, stderrIsTerminal: func() bool { return terminal }, stderrWidth: func() int { return width }}
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestStatusLineShowsAfterASecondAndClears(t *testing.T) {
	var term bytes.Buffer
	timers := &fakeTimers{}
	l := newStatusLine(terminalStreams(&term, true, 0), quietLog, timers.after)

	done := l.waiting("asking AWS STS for a session for prod")
	if term.Len() != 0 {
		t.Fatalf("shown before its second: %q", term.String())
	}
	timers.fire(t, 0)
	if got, want := term.String(), "\r\x1b[Kasking AWS STS for a session for prod…"; got != want {
		t.Fatalf("after a second: %q, want %q", got, want)
	}
	term.Reset()
	done()
	if got := term.String(); got != clearLine {
		t.Errorf("when the wait ended: %q, want the line cleared", got)
	}
	term.Reset()
	done()
	if term.Len() != 0 {
		t.Errorf("a second done wrote %q", term.String())
	}
}

func TestStatusLineShortWaitLeavesTerminalAlone(t *testing.T) {
	var term bytes.Buffer
	timers := &fakeTimers{}
	l := newStatusLine(terminalStreams(&term, true, 0), quietLog, timers.after)
	done := l.waiting("asking AWS STS for a session for prod")
	done()
	if !timers.timers[0].stopped {
		t.Error("the timer of an ended wait was not stopped")
	}
	timers.fire(t, 0) // a timer that fired as the wait ended
	if term.Len() != 0 {
		t.Errorf("a wait under a second wrote %q", term.String())
	}
}

// Nothing on a pipe or a file, nor under --debug: no line, no timer.
func TestStatusLineNotOnNonTerminal(t *testing.T) {
	debugLog := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for name, l := range map[string]struct {
		terminal bool
		log      *slog.Logger
	}{"pipe": {false, quietLog}, "debug on a terminal": {true, debugLog}} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			timers := &fakeTimers{}
			s := newStatusLine(terminalStreams(&out, l.terminal, 0), l.log, timers.after)
			done := s.waiting("waiting for mfa_process for prod")
			if n := timers.count(); n != 0 {
				t.Fatalf("%d timers started", n)
			}
			s.writer(&out).Write([]byte("helper output\n"))
			done()
			if got := out.String(); got != "helper output\n" {
				t.Errorf("stderr = %q, want only the helper's output", got)
			}
		})
	}
}

// Overlapping waits: the newest due one is shown; when it ends, the one
// still going comes back.
func TestStatusLineOverlappingWaits(t *testing.T) {
	var term bytes.Buffer
	timers := &fakeTimers{}
	l := newStatusLine(terminalStreams(&term, true, 0), quietLog, timers.after)
	doneA := l.waiting("a")
	doneB := l.waiting("b")
	timers.fire(t, 0)
	timers.fire(t, 1)
	doneB()
	doneA()
	want := clearLine + "a…" + clearLine + "b…" + clearLine + clearLine + "a…" + clearLine
	if got := term.String(); got != want {
		t.Errorf("terminal = %q, want %q", got, want)
	}
}

// A helper's output clears the line first and the wait is not drawn again
// (the output may be a question); mute clears and silences for good.
func TestStatusLineHelperOutputAndMute(t *testing.T) {
	var term bytes.Buffer
	timers := &fakeTimers{}
	l := newStatusLine(terminalStreams(&term, true, 0), quietLog, timers.after)
	done := l.waiting("waiting for mfa_process for prod")
	timers.fire(t, 0)
	l.writer(&term).Write([]byte("Touch your security key\n"))
	done()
	want := clearLine + "waiting for mfa_process for prod…" + clearLine + "Touch your security key\n"
	if got := term.String(); got != want {
		t.Errorf("terminal = %q, want %q", got, want)
	}

	term.Reset()
	done = l.waiting("asking AWS STS for a session for prod")
	timers.fire(t, 1)
	l.mute()
	later := l.waiting("asking AWS STS for a role session for admin")
	done()
	later()
	if got, want := term.String(), clearLine+"asking AWS STS for a session for prod…"+clearLine; got != want {
		t.Errorf("terminal = %q, want %q", got, want)
	}
	if n := timers.count(); n != 2 {
		t.Errorf("%d timers started, want none after mute", n)
	}
}

// A line never wraps: it is cut to the terminal's width.
func TestStatusLineFitsTheTerminal(t *testing.T) {
	var term bytes.Buffer
	timers := &fakeTimers{}
	l := newStatusLine(terminalStreams(&term, true, 20), quietLog, timers.after)
	defer l.waiting(strings.Repeat("x", 50))()
	timers.fire(t, 0)
	line := strings.TrimPrefix(term.String(), clearLine)
	if n := len([]rune(line)); n != 19 || !strings.HasSuffix(line, "…") {
		t.Errorf("line %q is %d characters, want 19 ending in …", line, n)
	}
}

// An mfa_process that runs past its second is shown as a wait for it, and
// the line is gone once it has answered.
func TestMFAProcessWaitIsShown(t *testing.T) {
	te := newTestEnv(t)
	var term bytes.Buffer
	te.f.IO.ErrOut = &term
	te.f.IO.stderrIsTerminal = func() bool { return true }
	timers := &fakeTimers{started: make(chan struct{}, 1)}
	te.f.statusAfter = timers.after
	gate := filepath.Join(t.TempDir(), "go")
	hop := profiles.Hop{Profile: "prod", MFASerial: "arn:aws:iam::111122223333:mfa/kim",
		MFAProcess: "sh -c 'while [ ! -e " + gate + " ]; do sleep 0.01; done; echo 123456'"}
	type answer struct {
		code string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		code, err := te.f.mfaCode(context.Background(), hop)
		got <- answer{code, err}
	}()
	<-timers.started
	timers.fire(t, 0)
	if want := clearLine + "waiting for mfa_process for prod…"; term.String() != want {
		t.Errorf("while mfa_process runs: %q, want %q", term.String(), want)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if a.err != nil || a.code != "123456" {
		t.Fatalf("mfaCode = %q, %v", a.code, a.err)
	}
	if !strings.HasSuffix(term.String(), "…"+clearLine) {
		t.Errorf("after mfa_process answered: %q, want the line cleared", term.String())
	}
}

// fireRunning fires every timer not stopped, as the clock would once the
// waits in progress have lasted their second.
func (ft *fakeTimers) fireRunning(t *testing.T) {
	t.Helper()
	ft.mu.Lock()
	var due []int
	for i, timer := range ft.timers {
		if !timer.stopped {
			due = append(due, i)
		}
	}
	ft.mu.Unlock()
	for _, i := range due {
		ft.fire(t, i)
	}
}

// export on a terminal shows the STS call it waits for once a second has
// passed during it; credential-process shows nothing even on a terminal
// (its caller's other helpers share that terminal and may be prompting).
func TestSTSWaitShownByExportNotByCredentialProcess(t *testing.T) {
	te := newTestEnv(t)
	timers := &fakeTimers{}
	te.f.IO.stderrIsTerminal = func() bool { return true }
	te.f.statusAfter = timers.after
	fake := awstest.NewFake(t)
	fake.Handle("GetSessionToken", func(r awstest.Request, n int) awstest.Reply {
		timers.fireRunning(t) // a second passes while AWS answers
		id := fmt.Sprintf("ASIASESSION%09d", n)
		return awstest.Result(awstest.CredentialsXML(id, "secret-"+id, "token-"+id, time.Now().Add(12*time.Hour)))
	})
	te.env["AWS_ENDPOINT_URL"] = fake.URL
	te.writeFile(t, ".aws/config", "[profile base]\n")
	now := te.f.Now()
	storeKey(t, te, vault.Key{Profile: "base", AccessKeyID: "AKIABASEKEY000000001", SecretAccessKey: "base-secret-0000000000000000000000000000", CreatedAt: now, AddedAt: now})
	te.f.resetVault()
	te.f.statusAfter = timers.after

	if code := te.run("export", "base"); code != 0 {
		t.Fatalf("export: exit %d: %s", code, te.stderr)
	}
	if got, want := te.stderr.String(), clearLine+"asking AWS STS for a session for base…"+clearLine; got != want {
		t.Errorf("export's stderr = %q, want %q", got, want)
	}
	started := timers.count()
	if code := te.run("credential-process", "base", "--refresh"); code != 0 {
		t.Fatalf("credential-process: exit %d: %s", code, te.stderr)
	}
	if n := len(fake.Requests()); n != 2 {
		t.Fatalf("%d STS calls, want 2 (export, then credential-process --refresh)", n)
	}
	if te.stderr.Len() != 0 || timers.count() != started {
		t.Errorf("credential-process on a terminal: stderr %q, %d timers started", te.stderr.String(), timers.count()-started)
	}
}

// A profile name's control bytes reach the terminal escaped, not obeyed.
func TestStatusLineEscapesControlBytes(t *testing.T) {
	var term bytes.Buffer
	timers := &fakeTimers{}
	l := newStatusLine(terminalStreams(&term, true, 0), quietLog, timers.after)
	defer l.waiting("asking AWS STS for a session for evil\x1b[2J")()
	timers.fire(t, 0)
	if got := strings.TrimPrefix(term.String(), clearLine); strings.ContainsRune(got, 0x1b) {
		t.Errorf("line %q holds an escape byte", got)
	}
}

// login on a terminal shows its wait for the federation endpoint, cleared
// before the URL is printed.
func TestLoginWaitShown(t *testing.T) {
	te := newTestEnv(t)
	timers := &fakeTimers{}
	te.f.IO.stderrIsTerminal = func() bool { return true }
	fake := &fakeSTS{now: te.f.Now}
	te.env["AWS_ENDPOINT_URL"] = fake.start(t)
	fed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timers.fireRunning(t) // a second passes while the endpoint answers
		json.NewEncoder(w).Encode(map[string]string{"SigninToken": "tok"})
	}))
	defer fed.Close()
	te.env["AWSKEEP_SIGNIN_ENDPOINT"] = fed.URL
	te.writeFile(t, ".aws/config", "[profile base]\n[profile role]\nsource_profile = base\nrole_arn = arn:aws:iam::111111111111:role/r\n")
	now := te.f.Now()
	storeKey(t, te, vault.Key{Profile: "base", AccessKeyID: "AKIABASEKEY000000001", SecretAccessKey: "base-secret-0000000000000000000000000000", CreatedAt: now, AddedAt: now})
	te.f.resetVault()
	te.f.statusAfter = timers.after
	if code := te.run("login", "role", "--stdout"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, te.stderr)
	}
	want := clearLine + "asking the AWS sign-in endpoint for a console sign-in token…" + clearLine
	if got := te.stderr.String(); got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	mustContain(t, "stdout", te.stdout.String(), "SigninToken=tok")
}
