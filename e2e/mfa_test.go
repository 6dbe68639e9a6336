package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
)

// MFA sessions and roles end to end, under auth: moto (through the
// harness's launcher) checks every MFA code as a TOTP code of the user's
// device, accepts the session credentials as the user, requires MFA to
// assume the role and caps role chaining at 1 h, as AWS does.

// mfaSetup is a user whose key is stored for profile alice (mfa_serial set),
// and profile deploy, a role that trusts alice only with MFA.
type mfaSetup struct {
	u       *user
	alice   awstest.User
	device  awstest.MFADevice
	roleARN string
}

func newMFASetup(t *testing.T, roleOpts ...awstest.RoleOption) mfaSetup {
	t.Helper()
	u := newUser(t, "file")
	alice, device := moto.CreateMFAUser(t, "alice")
	roleARN := moto.CreateRole(t, "deploy", alice.ARN, append([]awstest.RoleOption{awstest.RequireMFA()}, roleOpts...)...)
	u.ok(alice.Key.AccessKeyID+"\n"+alice.Key.SecretAccessKey+"\n", "add", "alice")
	u.ok("", "profile", "set", "alice", "mfa_serial="+device.Serial)
	u.ok("", "profile", "set", "deploy", "source_profile=alice", "role_arn="+roleARN)
	return mfaSetup{u: u, alice: alice, device: device, roleARN: roleARN}
}

// stsOf counts the recorded GetSessionToken and AssumeRole requests signed
// by this user's long-term key or by the sessions moto minted for the user.
type stsOf struct {
	gst, assumeRole                  []awstest.Request
	assumeRoleByKey, assumeBySession int
}

func (s mfaSetup) stsCalls(t *testing.T) stsOf {
	t.Helper()
	mine := map[string]bool{}
	for _, ses := range moto.SessionsOf(t, s.alice.Name) {
		mine[ses.AccessKeyID] = true
	}
	var out stsOf
	for _, r := range moto.Recorded(t) {
		switch {
		case r.Action == "GetSessionToken" && r.AccessKeyID == s.alice.Key.AccessKeyID:
			out.gst = append(out.gst, r)
		case r.Action == "AssumeRole" && strings.Contains(r.Params.Get("RoleArn"), "deploy"):
			if r.AccessKeyID == s.alice.Key.AccessKeyID {
				out.assumeRoleByKey++
			} else if mine[r.AccessKeyID] {
				out.assumeBySession++
			}
			out.assumeRole = append(out.assumeRole, r)
		}
	}
	return out
}

func (s mfaSetup) wantOneSessionOneRole(t *testing.T, what string, code string) {
	t.Helper()
	calls := s.stsCalls(t)
	if len(calls.gst) != 1 || len(calls.assumeRole) != 1 || calls.assumeBySession != 1 {
		t.Fatalf("%s: %d GetSessionToken and %d AssumeRole (%d signed by the MFA session), want 1, 1 and 1",
			what, len(calls.gst), len(calls.assumeRole), calls.assumeBySession)
	}
	if p := calls.gst[0].Params; p.Get("SerialNumber") != s.device.Serial || (code != "" && p.Get("TokenCode") != code) {
		t.Errorf("%s: GetSessionToken sent %v, want the device and the code", what, p)
	}
	if p := calls.assumeRole[0].Params; p.Has("SerialNumber") || p.Has("TokenCode") {
		t.Errorf("%s: AssumeRole on the MFA session sent MFA params: %v", what, p)
	}
}

func callerOf(t *testing.T, u *user, env []string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(u.aws(t, env, append(args, "sts", "get-caller-identity", "--query", "Arn", "--output", "text")...))
}

// TestMFARoleThroughExec: exec deploy --mfa-token CODE makes one MFA
// session and one AssumeRole on it; moto accepts the role session; the warm
// call after makes no STS call and needs no code.
func TestMFARoleThroughExec(t *testing.T) {
	s := newMFASetup(t)
	moto.StartRecording(t)
	code := s.device.Code()
	r := s.u.ok("", "exec", "deploy", "--mfa-token", code, "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Fatalf("caller %q, want the MFA role", r.stdout)
	}
	s.wantOneSessionOneRole(t, "cold exec", code)
	if ses := moto.SessionsOf(t, s.alice.Name); len(ses) != 1 || !ses[0].MFA {
		t.Errorf("sessions minted for alice: %+v, want one MFA session", ses)
	}

	// Warm: no code given (there is no terminal to ask on), no STS call.
	r = s.u.ok("", "exec", "deploy", "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Errorf("warm caller %q", r.stdout)
	}
	s.wantOneSessionOneRole(t, "after the warm exec", code)
}

// TestMFARoleThroughCredentialProcess: the aws CLI reads
// credential_process = awskeep credential-process deploy; mfa_process gives
// the code (a TOTP generator); one MFA session, one AssumeRole, one
// mfa_process run, then nothing for the warm call.
func TestMFARoleThroughCredentialProcess(t *testing.T) {
	s := newMFASetup(t)
	counter := filepath.Join(s.u.home, "mfa-runs")
	s.u.ok("", "profile", "set", "alice", "mfa_process="+s.device.MFAProcess(t, counter))
	s.u.writeFile(".aws/config", s.u.readFile(".aws/config")+
		fmt.Sprintf("\n[profile deploy-cli]\ncredential_process = %s credential-process deploy\n", awskeepBin))

	moto.StartRecording(t)
	want := ":assumed-role/" + roleName(s.roleARN) + "/"
	if got := callerOf(t, s.u, nil, "--profile", "deploy-cli"); !strings.Contains(got, want) {
		t.Fatalf("aws CLI through credential_process: %q, want the MFA role", got)
	}
	s.wantOneSessionOneRole(t, "cold credential_process", "")
	if got := callerOf(t, s.u, nil, "--profile", "deploy-cli"); !strings.Contains(got, want) {
		t.Errorf("warm: %q", got)
	}
	s.wantOneSessionOneRole(t, "after the warm credential_process", "")
	runs, _ := os.ReadFile(counter)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Errorf("mfa_process ran %d times, want 1", n)
	}
}

// TestThreeHopChainWithMFA: alice (key, MFA) -> deploy (MFA role) -> admin
// (a role trusting deploy's session): one MFA session, two AssumeRole calls,
// the last signed by deploy's session; the aws CLI runs as admin.
func TestThreeHopChainWithMFA(t *testing.T) {
	s := newMFASetup(t)
	s.u.ok("", "profile", "set", "deploy", "role_session_name=hop1")
	hop1 := "arn:aws:sts::123456789012:assumed-role/" + roleName(s.roleARN) + "/hop1"
	adminARN := moto.CreateRole(t, "admin", hop1)
	s.u.ok("", "profile", "set", "admin", "source_profile=deploy", "role_arn="+adminARN, "role_session_name=hop2")

	moto.StartRecording(t)
	code := s.device.Code()
	r := s.u.ok("", "exec", "admin", "--mfa-token", code, "--", "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if want := "arn:aws:sts::123456789012:assumed-role/" + roleName(adminARN) + "/hop2"; strings.TrimSpace(r.stdout) != want {
		t.Fatalf("caller %q, want %s", r.stdout, want)
	}
	calls := s.stsCalls(t)
	if len(calls.gst) != 1 || calls.assumeBySession != 1 {
		t.Errorf("GetSessionToken %d, AssumeRole deploy on the MFA session %d; want 1 and 1", len(calls.gst), calls.assumeBySession)
	}
	var admin int
	for _, req := range moto.Recorded(t) {
		if req.Action == "AssumeRole" && req.Params.Get("RoleArn") == adminARN {
			admin++
			if strings.HasPrefix(req.AccessKeyID, "AKIA") {
				t.Errorf("AssumeRole admin signed by a long-term key %s", req.AccessKeyID)
			}
		}
	}
	if admin != 1 {
		t.Errorf("AssumeRole admin %d times, want 1", admin)
	}

	// AWS caps a role assumed by role chaining at 1 h; awskeep says so
	// before calling (no STS call) instead of passing AWS's refusal on.
	before := len(moto.Recorded(t))
	r = s.u.run("", nil, "exec", "admin", "--duration", "2h", "--", "true")
	if r.code != 1 {
		t.Fatalf("--duration 2h on a chained role: exit %d, want 1\n%s", r.code, r.stderr)
	}
	contains(t, "chained --duration 2h", r.stderr, `profile "admin"`, "--duration 2h0m0s", "role chaining", "1h0m0s")
	if after := len(moto.Recorded(t)); after != before {
		t.Errorf("%d requests made for a duration AWS refuses", after-before)
	}
}

// TestWrongMFACodeExplained: AWS refuses a wrong code (AccessDenied
// "MultiFactorAuthentication failed with invalid MFA one time pass code.");
// awskeep exits 1 with AWS's words and what to check, for exec and for the
// aws CLI through credential_process, and caches nothing: the right code
// then works.
func TestWrongMFACodeExplained(t *testing.T) {
	s := newMFASetup(t)
	wrong := s.device.WrongCode()
	want := []string{"AWS denied sts:GetSessionToken", "MultiFactorAuthentication failed with invalid MFA one time pass code.",
		"An MFA code was sent", "wait for the next one", "clock"}
	r := s.u.run("", nil, "exec", "deploy", "--mfa-token", wrong, "--", "true")
	if r.code != 1 {
		t.Fatalf("exec with a wrong MFA code: exit %d, want 1\n%s", r.code, r.stderr)
	}
	contains(t, "exec with a wrong MFA code", r.stderr, want...)
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}

	s.u.ok("", "profile", "set", "alice", "mfa_process=echo "+wrong)
	s.u.writeFile(".aws/config", s.u.readFile(".aws/config")+
		fmt.Sprintf("\n[profile deploy-cli]\ncredential_process = %s credential-process deploy\n", awskeepBin))
	cmd := exec.Command("aws", "sts", "get-caller-identity", "--profile", "deploy-cli")
	cmd.Env = s.u.env
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("aws CLI succeeded with a wrong MFA code: %s", out)
	}
	contains(t, "aws CLI with a wrong MFA code", string(out), "MultiFactorAuthentication failed with invalid MFA one time pass code.")

	if rows := listJSON(t, s.u); len(rows["deploy"].Sessions)+len(rows["alice"].Sessions) != 0 {
		t.Errorf("sessions cached after a refused code: %+v", rows)
	}
	s.u.ok("", "exec", "deploy", "--mfa-token", s.device.Code(), "--", "true")
}

// TestDurationTwoHoursOnMFARole: --duration 2h cannot be had on an MFA
// session (role chaining is capped at 1 h), so awskeep assumes the role
// straight from the long-term key with the code: one AssumeRole signed by
// the key, with SerialNumber, TokenCode and DurationSeconds=7200.
func TestDurationTwoHoursOnMFARole(t *testing.T) {
	s := newMFASetup(t, awstest.WithMaxSessionDuration(43200))
	moto.StartRecording(t)
	code := s.device.Code()
	r := s.u.ok("", "exec", "deploy", "--duration", "2h", "--mfa-token", code, "--", "sh", "-c",
		`aws sts get-caller-identity --query Arn --output text && echo "expires=$AWS_CREDENTIAL_EXPIRATION"`)
	if !strings.Contains(r.stdout, ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Fatalf("caller %q, want the MFA role", r.stdout)
	}
	calls := s.stsCalls(t)
	if len(calls.gst) != 0 || len(calls.assumeRole) != 1 || calls.assumeRoleByKey != 1 {
		t.Fatalf("%d GetSessionToken, %d AssumeRole (%d by the key); want 0, 1, 1", len(calls.gst), len(calls.assumeRole), calls.assumeRoleByKey)
	}
	p := calls.assumeRole[0].Params
	if p.Get("SerialNumber") != s.device.Serial || p.Get("TokenCode") != code || p.Get("DurationSeconds") != "7200" {
		t.Errorf("AssumeRole sent %v", p)
	}
	_, exp, _ := strings.Cut(r.stdout, "expires=")
	expires, err := time.Parse(time.RFC3339, strings.TrimSpace(exp))
	if err != nil || time.Until(expires) < 90*time.Minute {
		t.Errorf("AWS_CREDENTIAL_EXPIRATION %q (%v), want about 2 h ahead", exp, err)
	}

	// On a role whose MaxSessionDuration is 1 h, AWS refuses 2 h; awskeep
	// passes on what AWS said.
	short := newMFASetup(t)
	r = short.u.run("", nil, "exec", "deploy", "--duration", "2h", "--mfa-token", short.device.Code(), "--", "true")
	t.Logf("2h on a 1 h role: exit %d\n%s", r.code, r.stderr)
	if r.code == 0 {
		t.Fatal("--duration 2h on a role with MaxSessionDuration 1 h succeeded")
	}
	contains(t, "2h on a 1 h role", r.stderr, "MaxSessionDuration")
}

// TestRotateWithMFASession: with mfa_serial, rotate signs its IAM calls with
// one MFA session (IAM refuses a session made without MFA, as AWS does);
// moto accepts that session as the user, so the rotation runs end to end
// under auth: new key stored and working, old key gone.
func TestRotateWithMFASession(t *testing.T) {
	u, alice := newRotatingUser(t)
	device := moto.EnableVirtualMFA(t, alice)
	moto.AllowUser(t, alice, "sts:GetSessionToken")
	u.ok("", "profile", "set", "work", "mfa_serial="+device.Serial)
	old := alice.Key.AccessKeyID

	moto.StartRecording(t)
	code := device.Code()
	u.ok("", "rotate", "work", "--mfa-token", code)
	stored := assertRotated(t, u, alice)
	if stored.AccessKeyID == old {
		t.Fatal("the stored key did not change")
	}

	sessions := moto.SessionsOf(t, alice.Name)
	if len(sessions) != 1 || !sessions[0].MFA {
		t.Fatalf("sessions minted for the user: %+v, want one MFA session", sessions)
	}
	var gst, created int
	for _, r := range moto.Recorded(t) {
		switch r.Action {
		case "GetSessionToken":
			gst++
			if r.AccessKeyID != old || r.Params.Get("SerialNumber") != device.Serial || r.Params.Get("TokenCode") != code {
				t.Errorf("GetSessionToken signed by %s with %v", r.AccessKeyID, r.Params)
			}
		case "CreateAccessKey":
			created++
			if r.AccessKeyID != sessions[0].AccessKeyID {
				t.Errorf("CreateAccessKey signed by %s, want the MFA session %s", r.AccessKeyID, sessions[0].AccessKeyID)
			}
		}
	}
	if gst != 1 || created != 1 {
		t.Errorf("GetSessionToken %d, CreateAccessKey %d; want 1 and 1", gst, created)
	}
}

// TestSessionsOfOneKeyToldApartInList: the sessions the pipeline caches from
// one key (the MFA session token roles are built on, the role session on
// it, a 2-hour role session straight from the key, a 1-hour session token
// asked for the key's profile with --duration) each say what they are in
// list and profile show, from their cache ids.
func TestSessionsOfOneKeyToldApartInList(t *testing.T) {
	s := newMFASetup(t, awstest.WithMaxSessionDuration(43200))
	s.u.ok("", "exec", "deploy", "--mfa-token", s.device.Code(), "--", "true")
	s.u.ok("", "exec", "deploy", "--duration", "2h", "--mfa-token", s.device.Code(), "--", "true")
	s.u.ok("", "exec", "alice", "--duration", "1h", "--mfa-token", s.device.Code(), "--", "true")

	r := s.u.ok("", "list")
	contains(t, "list", r.stdout, "session token, MFA, 12 h: ", "session token, MFA, 1 h: ", "role, MFA, 1 h: ", "role, MFA, 2 h: ")

	var rows []struct {
		Profile  string `json:"profile"`
		Sessions []struct {
			Kind            string `json:"kind"`
			MFA             bool   `json:"mfa"`
			RoleARN         string `json:"role_arn"`
			DurationSeconds int    `json:"duration_seconds"`
		} `json:"sessions"`
	}
	r = s.u.ok("", "list", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		for _, ses := range row.Sessions {
			got = append(got, fmt.Sprintf("%s: %s mfa=%v %ds %s", row.Profile, ses.Kind, ses.MFA, ses.DurationSeconds, ses.RoleARN))
		}
	}
	want := []string{
		"alice: session token mfa=true 3600s ",
		"alice: session token mfa=true 43200s ",
		"deploy: role mfa=true 3600s " + s.roleARN,
		"deploy: role mfa=true 7200s " + s.roleARN,
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("list --json sessions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	r = s.u.ok("", "profile", "show", "deploy")
	contains(t, "profile show", r.stdout, "cached sessions (4):", "deploy  role "+s.roleARN+", MFA, 2 h", "alice   session token, MFA, 12 h")
}
