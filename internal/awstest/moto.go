package awstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Region is the region the harness and its subprocesses use.
const Region = "us-east-1"

const (
	readyTimeout = 60 * time.Second // importing moto takes 7-11 s on a loaded 2-core machine
	stopGrace    = 4 * time.Second
	adminName    = "awstest-admin"
)

// Credentials is an access key pair, with a session token for temporary
// credentials. Test keys are not secrets, so they are plain strings here.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // empty for a long-term key
}

// Env returns the credentials as the AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) variables a subprocess reads.
func (c Credentials) Env() []string {
	env := []string{"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey}
	if c.SessionToken != "" {
		env = append(env, "AWS_SESSION_TOKEN="+c.SessionToken)
	}
	return env
}

// Moto is a running moto server with authentication enforced.
type Moto struct {
	// Endpoint is the server's base URL, e.g. http://127.0.0.1:41234.
	Endpoint string
	// Admin is a key of an IAM user whose policy allows everything.
	Admin Credentials
	// AdminARN is the admin user's ARN.
	AdminARN string

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	logPath string
	dir     string
	http    *http.Client

	stopOnce sync.Once
	recMu    sync.Mutex // held from StartRecording until the recorder is released
}

// Start runs a moto server for the test and stops it when the test ends.
// It fails the test (never skips) when moto is not installed.
func Start(t testing.TB) *Moto {
	t.Helper()
	m, err := start(t.TempDir())
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("awstest: moto log (%s):\n%s", m.logPath, m.LogTail(4000))
		}
		m.stop()
	})
	return m
}

// StartForMain runs a moto server for a whole test binary (use it in
// TestMain, where there is no testing.TB). Call stop when the tests are
// done; it also removes the server's temporary directory.
func StartForMain() (m *Moto, stop func(), err error) {
	dir, err := os.MkdirTemp("", "awstest-moto-")
	if err != nil {
		return nil, nil, fmt.Errorf("awstest: %w", err)
	}
	m, err = start(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("awstest: %w", err)
	}
	return m, func() { m.stop(); os.RemoveAll(dir) }, nil
}

// ErrMotoMissing is returned (and fatal in Start) when python3 cannot
// import moto.server.
var ErrMotoMissing = errors.New(`moto is NOT INSTALLED: python3 -c "import moto.server" failed. ` +
	`The AWS tests need moto 5.2.1 (pip install "moto[server]==5.2.1"); they never skip`)

func checkMoto() error {
	out, err := exec.Command("python3", "-c", "import moto.server").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %v: %s", ErrMotoMissing, err, bytes.TrimSpace(out))
	}
	return nil
}

func start(dir string) (*Moto, error) {
	if err := checkMoto(); err != nil {
		return nil, err
	}
	var lastErr error
	// A free port can be taken between probing and moto binding it; retry.
	for attempt := 0; attempt < 3; attempt++ {
		m, err := launch(dir, attempt)
		if err == nil {
			if err = m.bootstrap(); err == nil {
				return m, nil
			}
			err = fmt.Errorf("%w\nmoto log:\n%s", err, m.LogTail(4000))
			m.stop()
			return nil, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func launch(dir string, attempt int) (*Moto, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("finding a free port: %w", err)
	}
	logPath := filepath.Join(dir, fmt.Sprintf("moto-%d.log", attempt))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor

	cmd := exec.Command("python3", "-c", launcherPy, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(motoEnv(os.Environ()),
		"MOTO_RECORDER_FILEPATH="+filepath.Join(dir, "recording.jsonl"),
		"PYTHONUNBUFFERED=1",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto: %w", err)
	}
	m := &Moto{
		Endpoint: "http://127.0.0.1:" + strconv.Itoa(port),
		cmd:      cmd,
		exited:   make(chan struct{}),
		logPath:  logPath,
		dir:      dir,
		http:     &http.Client{Timeout: 10 * time.Second},
	}
	go func() { cmd.Wait(); close(m.exited) }()

	if err := m.waitReady(); err != nil {
		tail := m.LogTail(2000)
		m.stop()
		return nil, fmt.Errorf("%w\nmoto log:\n%s", err, tail)
	}
	return m, nil
}

// motoEnv drops the caller's AWS settings so they cannot leak into moto.
func motoEnv(env []string) []string {
	kept := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "MOTO_") || strings.HasPrefix(kv, "INITIAL_NO_AUTH") {
			continue
		}
		kept = append(kept, kv)
	}
	return kept
}

func (m *Moto) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-m.exited:
			return fmt.Errorf("moto exited before it was ready (%v)", m.cmd.ProcessState)
		default:
		}
		resp, err := m.http.Get(m.Endpoint + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("moto not ready at %s after %v", m.Endpoint, readyTimeout)
}

// bootstrap creates the admin user while authentication is still off, then
// switches authentication on and checks the admin key works under it.
func (m *Moto) bootstrap() error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	arn, key, err := m.createAdmin(ctx)
	if err != nil {
		return fmt.Errorf("creating the admin user: %w", err)
	}
	m.Admin, m.AdminARN = key, arn
	if err := m.setAuth(true); err != nil {
		return err
	}
	if _, err := m.callerARN(ctx, m.Admin); err != nil {
		return fmt.Errorf("admin key rejected after enabling auth: %w", err)
	}
	return nil
}

// setAuth switches moto's authentication on or off. It is global to the
// server. The body must be text/plain: a form-encoded body is consumed by
// Flask and moto answers 500.
func (m *Moto) setAuth(on bool) error {
	count := "inf"
	if on {
		count = "0"
	}
	return m.motoAPI("/moto-api/reset-auth", "text/plain", count, nil)
}

// DisableAuth switches authentication off until the test ends. It affects
// every test using this server: do not call it from parallel tests.
func (m *Moto) DisableAuth(t testing.TB) {
	t.Helper()
	if err := m.setAuth(false); err != nil {
		t.Fatalf("awstest: disabling auth: %v", err)
	}
	t.Cleanup(func() {
		if err := m.setAuth(true); err != nil {
			t.Errorf("awstest: re-enabling auth: %v", err)
		}
	})
}

// motoAPI POSTs to a /moto-api/ path (never authenticated) and optionally
// returns the body.
func (m *Moto) motoAPI(path, contentType, body string, out *[]byte) error {
	req, err := http.NewRequest(http.MethodPost, m.Endpoint+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return m.do(req, out)
}

func (m *Moto) do(req *http.Request, out *[]byte) error {
	resp, err := m.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return fmt.Errorf("%s %s: reading reply: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %s", req.Method, req.URL.Path, resp.StatusCode, buf.Bytes())
	}
	if out != nil {
		*out = buf.Bytes()
	}
	return nil
}

// LogPath is the file moto writes its log to.
func (m *Moto) LogPath() string { return m.logPath }

// LogTail returns up to the last n bytes of moto's log.
func (m *Moto) LogTail(n int) string {
	b, err := os.ReadFile(m.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Env returns the variables that point a subprocess (aws CLI, awskeep) at
// this server: AWS_ENDPOINT_URL, AWS_REGION and AWS_DEFAULT_REGION.
func (m *Moto) Env() []string {
	return []string{"AWS_ENDPOINT_URL=" + m.Endpoint, "AWS_REGION=" + Region, "AWS_DEFAULT_REGION=" + Region}
}

// stop ends the server by PID: SIGTERM, then SIGKILL after a grace period.
func (m *Moto) stop() {
	m.stopOnce.Do(func() {
		select {
		case <-m.exited:
			return
		default:
		}
		if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			m.cmd.Process.Kill()
		}
		select {
		case <-m.exited:
		case <-time.After(stopGrace):
			m.cmd.Process.Kill()
			<-m.exited
		}
	})
}
