package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
)

// loginURL parses a printed sign-in URL and checks its fixed parts.
func loginURL(t *testing.T, fake *awstest.SigninFake, out string) url.Values {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("not a URL: %q", out)
	}
	want, _ := url.Parse(fake.URL)
	if u.Scheme+"://"+u.Host+u.Path != want.Scheme+"://"+want.Host+want.Path {
		t.Errorf("login URL goes to %s://%s%s, want the federation endpoint %s", u.Scheme, u.Host, u.Path, fake.URL)
	}
	q := u.Query()
	if q.Get("Action") != "login" {
		t.Errorf("Action=%q", q.Get("Action"))
	}
	calls := fake.Calls()
	if len(calls) == 0 || q.Get("SigninToken") != calls[len(calls)-1].SigninToken || q.Get("SigninToken") == "" {
		t.Errorf("SigninToken %q is not the one the endpoint gave", q.Get("SigninToken"))
	}
	return q
}

// noSecrets fails if stderr holds the sign-in token or credentials.
func noSecrets(t *testing.T, stderr string, fake *awstest.SigninFake, secrets ...string) {
	t.Helper()
	for _, c := range fake.Calls() {
		if c.SigninToken != "" {
			secrets = append(secrets, c.SigninToken)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(stderr, s) {
			t.Errorf("stderr holds a secret (%.12s...):\n%s", s, stderr)
		}
	}
	if strings.Contains(stderr, "SigninToken=fake") || strings.Contains(stderr, "sessionKey") {
		t.Errorf("stderr holds the URL or the session:\n%s", stderr)
	}
}

func assumeRoles(reqs []awstest.Request) []awstest.Request {
	var out []awstest.Request
	for _, r := range reqs {
		if r.Action == "AssumeRole" {
			out = append(out, r)
		}
	}
	return out
}

// TestLoginRoleProfile: one AssumeRole, one getSigninToken, the URL's
// endpoint, Action, Destination and SigninToken; --duration on a role
// assumed straight from the key sends SessionDuration; --debug redacts.
func TestLoginRoleProfile(t *testing.T) {
	s := roleSetup{u: newUser(t, "file"), alice: moto.CreateUser(t, "alice")}
	s.roleARN = moto.CreateRole(t, "deploy", s.alice.ARN, awstest.WithMaxSessionDuration(43200))
	s.u.ok(s.alice.Key.AccessKeyID+"\n"+s.alice.Key.SecretAccessKey+"\n", "add", "alice")
	s.u.ok("", "profile", "set", "deploy", "source_profile=alice", "role_arn="+s.roleARN)
	fake := moto.StartSignin(t)
	env := []string{"AWSKEEP_SIGNIN_ENDPOINT=" + fake.URL}
	moto.StartRecording(t)
	r := s.u.run("", env, "login", "deploy", "--stdout")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	q := loginURL(t, fake, r.stdout)
	if d := q.Get("Destination"); d != "https://console.aws.amazon.com/console/home?region=us-east-1" {
		t.Errorf("Destination %q", d)
	}
	calls := fake.Calls()
	if len(calls) != 1 || calls[0].Kind != "role" || calls[0].Chained || calls[0].SessionDuration != "" || calls[0].Refused != "" {
		t.Errorf("getSigninToken calls: %+v", calls)
	}
	if ar := assumeRoles(moto.Recorded(t)); len(ar) != 1 || ar[0].AccessKeyID != s.alice.Key.AccessKeyID {
		t.Errorf("AssumeRole calls: %+v", ar)
	}
	noSecrets(t, r.stderr, fake, s.alice.Key.SecretAccessKey)

	r = s.u.run("", env, "login", "deploy", "--stdout", "--duration", "2h", "--service", "s3", "--region", "eu-west-1", "--debug")
	if r.code != 0 {
		t.Fatalf("--duration 2h: exit %d: %s", r.code, r.stderr)
	}
	q = loginURL(t, fake, r.stdout)
	if d := q.Get("Destination"); d != "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1" {
		t.Errorf("Destination %q", d)
	}
	calls = fake.Calls()
	if last := calls[len(calls)-1]; last.SessionDuration != "7200" || last.Refused != "" || last.Chained {
		t.Errorf("--duration 2h: %+v", last)
	}
	contains(t, "debug", r.stderr, "SigninToken=***")
	noSecrets(t, r.stderr, fake, s.alice.Key.SecretAccessKey)
}

// TestLoginMFARole: without --duration the cached MFA session assumes the
// role (chained, no SessionDuration); --duration 8h assumes it straight
// from the long-term key with one MFA code and sends SessionDuration=28800;
// a role on a role with 8h is refused before any request.
func TestLoginMFARole(t *testing.T) {
	s := newMFASetup(t, awstest.WithMaxSessionDuration(43200))
	counter := filepath.Join(s.u.home, "mfa-runs")
	s.u.ok("", "profile", "set", "alice", "mfa_process="+s.device.MFAProcess(t, counter))
	fake := moto.StartSignin(t)
	env := []string{"AWSKEEP_SIGNIN_ENDPOINT=" + fake.URL}
	moto.StartRecording(t)

	r := s.u.run("", env, "login", "deploy", "--stdout")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	loginURL(t, fake, r.stdout)
	calls := fake.Calls()
	if len(calls) != 1 || !calls[0].Chained || calls[0].SessionDuration != "" || calls[0].Refused != "" {
		t.Errorf("chained login: %+v", calls)
	}
	ar := assumeRoles(moto.Recorded(t))
	if len(ar) != 1 || !strings.HasPrefix(ar[0].AccessKeyID, "ASIA") {
		t.Errorf("AssumeRole should be signed with the MFA session: %+v", ar)
	}

	r = s.u.run("", env, "login", "deploy", "--stdout", "--duration", "8h")
	if r.code != 0 {
		t.Fatalf("--duration 8h: exit %d: %s", r.code, r.stderr)
	}
	loginURL(t, fake, r.stdout)
	calls = fake.Calls()
	if last := calls[len(calls)-1]; last.Chained || last.SessionDuration != "28800" || last.Refused != "" {
		t.Errorf("8h login: %+v", last)
	}
	ar = assumeRoles(moto.Recorded(t))
	if last := ar[len(ar)-1]; last.AccessKeyID != s.alice.Key.AccessKeyID || last.Params.Get("DurationSeconds") != "28800" || last.Params.Get("TokenCode") == "" {
		t.Errorf("8h AssumeRole: by %s, DurationSeconds %s, code sent %v", last.AccessKeyID, last.Params.Get("DurationSeconds"), last.Params.Get("TokenCode") != "")
	}
	runs, _ := os.ReadFile(counter)
	if n := strings.Count(string(runs), "run"); n != 2 {
		t.Errorf("mfa_process ran %d times for two logins (one session, one 8h role), want 2", n)
	}
	noSecrets(t, r.stderr, fake, s.alice.Key.SecretAccessKey)

	// A role on a role cannot have 8h: refused, nothing sent.
	other := moto.CreateRole(t, "audit", s.roleARN, awstest.WithMaxSessionDuration(43200))
	s.u.ok("", "profile", "set", "audit", "source_profile=deploy", "role_arn="+other)
	before, signins := len(moto.Recorded(t)), len(fake.Calls())
	r = s.u.run("", env, "login", "audit", "--stdout", "--duration", "8h")
	if r.code != 1 {
		t.Fatalf("role chain 8h: exit %d: %s", r.code, r.stderr)
	}
	contains(t, "refusal", r.stderr, "role chaining", "nothing was sent", "1h")
	if len(moto.Recorded(t)) != before || len(fake.Calls()) != signins || r.stdout != "" {
		t.Errorf("the refusal sent requests or printed a URL")
	}
}

// TestLoginKeyOnlyProfile: GetFederationToken signed with the long-term
// key, an allow-all session policy, no SessionDuration; with mfa_serial,
// the no-MFA warning.
func TestLoginKeyOnlyProfile(t *testing.T) {
	u := newUser(t, "file")
	kim := moto.CreateUser(t, "kim")
	moto.AllowUser(t, kim, "sts:GetFederationToken", "s3:ListAllMyBuckets")
	u.ok(kim.Key.AccessKeyID+"\n"+kim.Key.SecretAccessKey+"\n", "add", "kim")
	u.ok("", "profile", "set", "kim", "mfa_serial=arn:aws:iam::123456789012:mfa/kim")
	fake := moto.StartSignin(t)
	moto.StartRecording(t)
	r := u.run("", []string{"AWSKEEP_SIGNIN_ENDPOINT=" + fake.URL}, "login", "kim", "--stdout")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	loginURL(t, fake, r.stdout)
	calls := fake.Calls()
	if len(calls) != 1 || calls[0].Kind != "federated" || calls[0].SessionDuration != "" || calls[0].Refused != "" {
		t.Errorf("getSigninToken: %+v", calls)
	}
	var gft []awstest.Request
	for _, req := range moto.Recorded(t) {
		if req.Action == "GetFederationToken" {
			gft = append(gft, req)
		}
		if req.Action == "GetSessionToken" || req.Action == "AssumeRole" {
			t.Errorf("unexpected %s", req.Action)
		}
	}
	if len(gft) != 1 || gft[0].AccessKeyID != kim.Key.AccessKeyID || !strings.Contains(gft[0].Params.Get("Policy"), `"Action":"*"`) || gft[0].Params.Get("Name") != kim.Name {
		t.Errorf("GetFederationToken: %+v", gft)
	}
	contains(t, "warning", r.stderr, "without MFA", "role")
	noSecrets(t, r.stderr, fake, kim.Key.SecretAccessKey)
}

// TestLoginOpensTheBrowserOnce: without --stdout, the opener named by
// BROWSER gets the URL exactly once; nothing secret reaches stdout or stderr.
func TestLoginOpensTheBrowserOnce(t *testing.T) {
	s := newRoleSetup(t, "file")
	fake := moto.StartSignin(t)
	moto.StartRecording(t)
	got := filepath.Join(s.u.home, "opened")
	stub := filepath.Join(s.u.home, "bin", "stub-browser")
	s.u.writeFile("bin/stub-browser", "#!/bin/sh\nprintf '%s\\n' \"$@\" >> "+got+"\n")
	if err := os.Chmod(stub, 0o700); err != nil {
		t.Fatal(err)
	}
	r := s.u.run("", []string{"AWSKEEP_SIGNIN_ENDPOINT=" + fake.URL, "BROWSER=" + stub}, "login", "deploy")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
	var opened []byte
	for i := 0; i < 100 && len(opened) == 0; i++ { // the opener runs beside awskeep
		opened, _ = os.ReadFile(got)
		if len(opened) == 0 {
			waitALittle()
		}
	}
	lines := strings.Split(strings.TrimSpace(string(opened)), "\n")
	if len(lines) != 1 {
		t.Fatalf("the opener got %d arguments/calls: %q", len(lines), opened)
	}
	loginURL(t, fake, lines[0])
	contains(t, "stderr", r.stderr, "Opened the AWS console as deploy")
	noSecrets(t, r.stderr, fake, s.alice.Key.SecretAccessKey)
}

// waitALittle lets a process that awskeep started (the opener) finish.
func waitALittle() { time.Sleep(50 * time.Millisecond) }
