package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
)

// ssoUser is a user whose config has [sso-session corp] on a fresh SSO fake
// and profile dev on its Developer role.
type ssoUser struct {
	*user
	fake    *awstest.SSOFake
	roleARN string
}

func newSSOUser(t *testing.T, opts awstest.SSOOptions) *ssoUser {
	t.Helper()
	u := &ssoUser{user: newUser(t, "file"), fake: awstest.StartSSO(t, moto, opts)}
	u.roleARN = u.fake.Assign(t, "123456789012", "Developer")
	u.env = append(u.env, u.fake.Env()...)
	u.writeFile(".aws/config", fmt.Sprintf(`[sso-session corp]
sso_start_url = %s
sso_region = %s
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
region = us-east-1
`, u.fake.StartURL, u.fake.Region))
	return u
}

// tokenFile is corp's token file, as the AWS CLI names it.
func (u *ssoUser) tokenFile() string {
	return filepath.Join(u.home, ".aws", "sso", "cache", "ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
}

// headless is the environment of an SSH session without a display.
var headless = []string{"SSH_CONNECTION=10.0.0.1 50000 10.0.0.2 22", "DISPLAY=", "WAYLAND_DISPLAY="}

// stubBrowser puts an xdg-open on PATH that records each run.
func (u *ssoUser) stubBrowser(t *testing.T) (marker string) {
	t.Helper()
	bin := filepath.Join(u.home, "bin")
	marker = filepath.Join(u.home, "xdg-open.runs")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$@\" >> " + marker + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	for i, kv := range u.env {
		if strings.HasPrefix(kv, "PATH=") {
			u.env[i] = "PATH=" + bin + ":" + strings.TrimPrefix(kv, "PATH=")
		}
	}
	return marker
}

// manyOnOneTerminal runs n copies of argv at once in one session whose
// controlling terminal is a pseudo-terminal (as terraform's helpers share
// the user's terminal), each with its own stdout and stderr files, and
// prints what appeared on the terminal.
const manyOnOneTerminal = `
import fcntl, os, pty, subprocess, sys, termios
n, outdir, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    procs = []
    for i in range(n):
        out = open(os.path.join(outdir, "out%d" % i), "wb")
        err = open(os.path.join(outdir, "err%d" % i), "wb")
        procs.append(subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err))
    codes = [p.wait() for p in procs]
    with open(os.path.join(outdir, "codes"), "w") as f:
        f.write(" ".join(map(str, codes)))
    os._exit(0)
os.close(slave)
seen = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
`

type processCreds struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

// callerARN asks the real aws CLI who creds belong to.
func callerARN(t *testing.T, u *user, c processCreds) string {
	t.Helper()
	cmd := exec.Command("aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	cmd.Env = append(append([]string{}, u.env...), "AWS_ACCESS_KEY_ID="+c.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey, "AWS_SESSION_TOKEN="+c.SessionToken)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws sts get-caller-identity refuses the credentials: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestSSOParallelColdCredentialProcess: 16 credential-process calls at once
// with no token make one device authorization, one token grant and one
// GetRoleCredentials; the user code is shown once on the terminal, and
// every caller gets credentials the aws CLI accepts.
func TestSSOParallelColdCredentialProcess(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{AutoApprove: true})
	marker := u.stubBrowser(t)
	const n = 16
	outdir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "python3", "-c", manyOnOneTerminal, fmt.Sprint(n), outdir, awskeepBin, "credential-process", "dev")
	c.Env = append(append([]string{}, u.env...), headless...)
	terminal, err := c.Output()
	if err != nil {
		t.Fatalf("driver: %v", err)
	}
	codes, _ := os.ReadFile(filepath.Join(outdir, "codes"))
	if strings.Trim(strings.ReplaceAll(string(codes), "0", ""), " ") != "" {
		for i := range n {
			e, _ := os.ReadFile(filepath.Join(outdir, fmt.Sprintf("err%d", i)))
			t.Logf("caller %d stderr: %s", i, e)
		}
		t.Fatalf("exit codes %s; terminal:\n%s", codes, terminal)
	}
	if got := strings.Count(string(terminal), awstest.SSODeviceUserCode); got != 1 {
		t.Errorf("user code shown %d times on the terminal:\n%s", got, terminal)
	}
	var first processCreds
	for i := range n {
		out, _ := os.ReadFile(filepath.Join(outdir, fmt.Sprintf("out%d", i)))
		var pc processCreds
		if err := json.Unmarshal(out, &pc); err != nil || pc.Version != 1 {
			t.Fatalf("caller %d printed %q", i, out)
		}
		if i == 0 {
			first = pc
		} else if pc.AccessKeyID != first.AccessKeyID {
			t.Errorf("caller %d got other credentials than caller 0", i)
		}
	}
	if arn := callerARN(t, u.user, first); !strings.HasSuffix(arn, ":assumed-role/"+roleName(u.roleARN)+"/alice") {
		t.Errorf("caller ARN %s", arn)
	}
	for op, want := range map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken:issued": 1, "GetRoleCredentials": 1, "Authorize": 0} {
		if got := u.fake.Count(op); got != want {
			t.Errorf("%s: %d calls, want %d (all: %v)", op, got, want, u.fake.Counts())
		}
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("a browser was started on a headless machine")
	}
}

// sdkRead runs boto3 and a Go SDK program on profile dev and returns the
// caller ARNs they see.
func sdkRead(t *testing.T, u *ssoUser) (boto, gosdk string) {
	t.Helper()
	py := `
import boto3
s = boto3.Session(profile_name="dev")
c = s.get_credentials()
assert c is not None and c.access_key
print(s.client("sts").get_caller_identity()["Arn"])
`
	cmd := exec.Command("python3", "-c", py)
	cmd.Env = append([]string{}, u.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 cannot use the token file: %v\n%s", err, out)
	}
	boto = strings.TrimSpace(string(out))
	cmd = exec.Command(sdkcredsBin(t))
	cmd.Env = append(append([]string{}, u.env...), "AWS_PROFILE=dev")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the Go SDK cannot use the token file: %v\n%s", err, out)
	}
	var got struct{ Arn string }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("sdkcreds printed %s", out)
	}
	return boto, got.Arn
}

var sdkcreds struct {
	once sync.Once
	path string
	err  error
}

// sdkcredsBin builds internal/sdkcreds, a Go program that loads
// credentials with config.LoadDefaultConfig.
func sdkcredsBin(t *testing.T) string {
	t.Helper()
	sdkcreds.once.Do(func() {
		sdkcreds.path = filepath.Join(filepath.Dir(awskeepBin), "sdkcreds")
		out, err := exec.Command("go", "build", "-o", sdkcreds.path, "../internal/sdkcreds").CombinedOutput()
		if err != nil {
			sdkcreds.err = fmt.Errorf("building sdkcreds: %v\n%s", err, out)
		}
	})
	if sdkcreds.err != nil {
		t.Fatal(sdkcreds.err)
	}
	return sdkcreds.path
}

// TestSSOTokenServesBotoAndGoSDK: the token file awskeep writes is used by
// boto3 and the Go SDK with no login of their own; a token with 5 minutes
// left is refreshed by awskeep once, and both still read it after.
func TestSSOTokenServesBotoAndGoSDK(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{AutoApprove: true})
	r := u.run("", headless, "sso", "login", "dev")
	if r.code != 0 {
		t.Fatalf("sso login: %d %s", r.code, r.stderr)
	}
	contains(t, "login prompt (stderr, no terminal)", r.stderr, "open this page", awstest.SSODeviceUserCode)
	if fi, err := os.Stat(u.tokenFile()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	logins := u.fake.Count("StartDeviceAuthorization")
	want := ":assumed-role/" + roleName(u.roleARN) + "/alice"
	boto, gosdk := sdkRead(t, u)
	if !strings.HasSuffix(boto, want) || !strings.HasSuffix(gosdk, want) {
		t.Errorf("boto3 sees %s, the Go SDK %s", boto, gosdk)
	}

	// 5 minutes left: awskeep refreshes once (the role credentials are
	// dropped first, so it needs the token).
	var tok map[string]string
	json.Unmarshal([]byte(u.readFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")), &tok)
	oldAccess := tok["accessToken"]
	tok["expiresAt"] = time.Now().UTC().Add(5 * time.Minute).Format("2006-01-02T15:04:05Z")
	b, _ := json.Marshal(tok)
	u.writeFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", string(b))
	u.ok("", "clear")
	for range 2 {
		u.ok("", "credential-process", "dev")
	}
	if got := u.fake.Count("CreateToken:refresh_token"); got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	var after map[string]string
	json.Unmarshal([]byte(u.readFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")), &after)
	for _, k := range []string{"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken"} {
		if after[k] == "" {
			t.Errorf("refreshed file lacks %s", k)
		}
	}
	if after["accessToken"] == oldAccess || after["refreshToken"] == tok["refreshToken"] {
		t.Errorf("the file was not refreshed")
	}
	boto, gosdk = sdkRead(t, u)
	if !strings.HasSuffix(boto, want) || !strings.HasSuffix(gosdk, want) {
		t.Errorf("after the refresh boto3 sees %s, the Go SDK %s", boto, gosdk)
	}
	if got := u.fake.Count("CreateToken:refresh_token"); got != 1 || u.fake.Count("StartDeviceAuthorization") != logins {
		t.Errorf("the SDKs refreshed or logged in: %v", u.fake.Counts())
	}
}

// TestSSOTokenWrittenByTheCLI: a token file in the AWS CLI's exact format
// (also with the old CLI's "UTC" suffix) is used with no login.
func TestSSOTokenWrittenByTheCLI(t *testing.T) {
	for _, suffix := range []string{"Z", "UTC"} {
		t.Run(suffix, func(t *testing.T) {
			u := newSSOUser(t, awstest.SSOOptions{})
			it := u.fake.IssueToken(time.Hour)
			u.writeFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", fmt.Sprintf(
				`{"startUrl": %q, "region": %q, "accessToken": %q, "expiresAt": %q, "clientId": %q, "clientSecret": %q, "registrationExpiresAt": %q, "refreshToken": %q}`,
				u.fake.StartURL, u.fake.Region, it.AccessToken, it.ExpiresAt.UTC().Format("2006-01-02T15:04:05")+suffix, it.ClientID, it.ClientSecret,
				it.RegExpiresAt.UTC().Format("2006-01-02T15:04:05Z"), it.RefreshToken))
			r := u.run("", headless, "credential-process", "dev")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var pc processCreds
			json.Unmarshal([]byte(r.stdout), &pc)
			if arn := callerARN(t, u.user, pc); !strings.Contains(arn, roleName(u.roleARN)) {
				t.Errorf("caller %s", arn)
			}
			if n := u.fake.Count("StartDeviceAuthorization") + u.fake.Count("RegisterClient") + u.fake.Count("CreateToken"); n != 0 {
				t.Errorf("login calls: %v", u.fake.Counts())
			}
		})
	}
}

// TestSSOHeadlessLoginUsesDeviceFlow: over SSH with no display the device
// flow is chosen and no browser is started.
func TestSSOHeadlessLoginUsesDeviceFlow(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{AutoApprove: true})
	marker := u.stubBrowser(t)
	r := u.run("", headless, "sso", "login", "--sso-session", "corp")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	contains(t, "stderr", r.stderr, awstest.SSODeviceUserCode, "Logged in to sso-session corp")
	if u.fake.Count("StartDeviceAuthorization") != 1 || u.fake.Count("Authorize") != 0 {
		t.Errorf("counts %v", u.fake.Counts())
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("xdg-open ran on a headless machine")
	}

	// Where a browser can open (BROWSER names one, no SSH), --device-code
	// still shows the code, and the browser opens the device page.
	u2 := newSSOUser(t, awstest.SSOOptions{AutoApprove: true})
	marker = u2.stubBrowser(t)
	desktop := []string{"BROWSER=" + filepath.Join(u2.home, "bin", "xdg-open"), "SSH_CONNECTION=", "SSH_CLIENT=", "SSH_TTY=", "CI="}
	r = u2.run("", desktop, "sso", "login", "--sso-session", "corp", "--device-code")
	if r.code != 0 || !strings.Contains(r.stderr, awstest.SSODeviceUserCode) {
		t.Fatalf("device login with a browser: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(marker); !strings.Contains(string(b), "/platform/authorize") {
		t.Errorf("the device page was not opened: %q", b)
	}
}

// TestSSOBrowserLogin: where a browser can open, the login is the
// authorization code flow with PKCE; a stub browser follows the page's
// redirect to awskeep's loopback listener.
func TestSSOBrowserLogin(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{})
	browser := filepath.Join(u.home, "browser")
	script := "#!/bin/sh\npython3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\" &\n"
	if err := os.WriteFile(browser, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	r := u.run("", []string{"BROWSER=" + browser, "SSH_CONNECTION=", "SSH_CLIENT=", "SSH_TTY=", "CI="}, "sso", "login", "dev")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if u.fake.Count("Authorize") != 1 || u.fake.Count("CreateToken:authorization_code") != 1 || u.fake.Count("StartDeviceAuthorization") != 0 {
		t.Errorf("counts %v", u.fake.Counts())
	}
	r = u.run("", headless, "credential-process", "dev")
	if r.code != 0 {
		t.Fatalf("credential-process after the browser login: %d %s", r.code, r.stderr)
	}
}

// TestSSOCredentialProcessWithoutTerminal: no terminal and no token: no
// flow starts, and the exact login command is printed.
func TestSSOCredentialProcessWithoutTerminal(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{})
	start := time.Now()
	r := u.run("", headless, "credential-process", "dev")
	took := time.Since(start)
	if r.code == 0 {
		t.Fatalf("credential-process succeeded without a token")
	}
	contains(t, "stderr", r.stderr, "awskeep sso login --sso-session corp")
	if len(u.fake.Counts()) != 0 {
		t.Errorf("calls made: %v", u.fake.Counts())
	}
	t.Logf("credential-process without a terminal gave up after %v", took)
}

// TestSSORoleOnTop: a role assumed with an SSO profile's credentials.
func TestSSORoleOnTop(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{})
	target := moto.CreateRole(t, "onsso", "arn:aws:sts::123456789012:assumed-role/"+roleName(u.roleARN)+"/alice")
	it := u.fake.IssueToken(time.Hour)
	u.writeFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", fmt.Sprintf(`{"accessToken": %q, "expiresAt": %q}`,
		it.AccessToken, it.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")))
	u.ok("", "profile", "set", "admin", "source_profile=dev", "role_arn="+target)
	r := u.ok("", "exec", "admin", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(target)+"/") {
		t.Errorf("role on SSO: %s", r.stdout)
	}
	r = u.ok("", "profile", "show", "admin")
	contains(t, "profile show", r.stdout, "1. dev (source: IAM Identity Center)", "token file: ~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
}

// TestSSOEveryCommand: an SSO profile through list, doctor, export, exec
// --server, clear (role credentials only, never the token) and sso logout.
func TestSSOEveryCommand(t *testing.T) {
	u := newSSOUser(t, awstest.SSOOptions{})
	it := u.fake.IssueToken(time.Hour)
	u.writeFile(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", fmt.Sprintf(
		`{"startUrl": %q, "region": %q, "accessToken": %q, "expiresAt": %q, "clientId": %q, "clientSecret": %q, "registrationExpiresAt": %q, "refreshToken": %q}`,
		u.fake.StartURL, u.fake.Region, it.AccessToken, it.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"), it.ClientID, it.ClientSecret,
		it.RegExpiresAt.UTC().Format("2006-01-02T15:04:05Z"), it.RefreshToken))

	r := u.ok("", "list")
	contains(t, "list", r.stdout, "sso corp (token ", "left, refreshable)")
	r = u.ok("", "list", "--json")
	contains(t, "list --json", r.stdout, `"sso_session": "corp"`, `"refreshable": true`, `"logged_in": true`)
	r = u.run("", nil, "doctor", "dev")
	contains(t, "doctor", r.stdout, "sso token", "sso-session corp: token ")

	r = u.ok("", "export", "dev", "--format", "env")
	contains(t, "export", r.stdout, "AWS_ACCESS_KEY_ID=", "AWS_SESSION_TOKEN=")
	r = u.ok("", "exec", "--server", "dev", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(u.roleARN)+"/alice") {
		t.Errorf("exec --server: %s", r.stdout)
	}
	if got := u.fake.Count("GetRoleCredentials"); got != 1 {
		t.Errorf("%d GetRoleCredentials for export and exec --server, want 1 (cached)", got)
	}

	// clear drops the role credentials, never the token.
	u.ok("", "clear")
	if _, err := os.Stat(u.tokenFile()); err != nil {
		t.Fatalf("clear removed the SSO token: %v", err)
	}
	u.ok("", "credential-process", "dev")
	if got := u.fake.Count("GetRoleCredentials"); got != 2 {
		t.Errorf("after clear: %d GetRoleCredentials, want 2", got)
	}

	r = u.ok("", "sso", "logout", "dev")
	contains(t, "logout", r.stderr, "Logged out of sso-session corp; dropped 1 cached role session")
	if _, err := os.Stat(u.tokenFile()); !os.IsNotExist(err) {
		t.Errorf("token file left after logout: %v", err)
	}
	r = u.run("", headless, "credential-process", "dev")
	if r.code == 0 || !strings.Contains(r.stderr, "awskeep sso login --sso-session corp") {
		t.Errorf("after logout: %d %s", r.code, r.stderr)
	}
	r = u.ok("", "list")
	contains(t, "list after logout", r.stdout, "sso corp (not logged in)")
}
