package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
)

// roleSetup is a user with a stored key and a role it may assume.
type roleSetup struct {
	u       *user
	alice   awstest.User
	roleARN string
}

func newRoleSetup(t *testing.T, backend string) roleSetup {
	t.Helper()
	u := newUser(t, backend)
	alice := moto.CreateUser(t, "alice")
	roleARN := moto.CreateRole(t, "deploy", alice.ARN)
	u.ok(alice.Key.AccessKeyID+"\n"+alice.Key.SecretAccessKey+"\n", "add", "alice")
	u.ok("", "profile", "set", "deploy", "source_profile=alice", "role_arn="+roleARN)
	return roleSetup{u: u, alice: alice, roleARN: roleARN}
}

// aws runs the real aws CLI with extra environment and returns stdout.
func (u *user) aws(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Env = append(append([]string{}, u.env...), env...)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("aws %v: %v\n%s", args, err, stderr)
	}
	return string(out)
}

func stsCalls(reqs []awstest.Request, action string) int {
	n := 0
	for _, r := range reqs {
		if r.Action == action {
			n++
		}
	}
	return n
}

// TestExecRoleWithAWSCLI: `awskeep exec deploy -- aws sts get-caller-identity`
// prints the assumed role, and the child's environment is what it should be.
func TestExecRoleWithAWSCLI(t *testing.T) {
	s := newRoleSetup(t, "file")
	r := s.u.run("", []string{"AWS_PROFILE=other", "AWS_SESSION_TOKEN=stale"}, "exec", "deploy", "--", "aws", "sts", "get-caller-identity", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(r.stdout), &id); err != nil {
		t.Fatalf("aws printed %q", r.stdout)
	}
	if !strings.Contains(id.Arn, ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Errorf("caller %s, want the assumed role %s", id.Arn, s.roleARN)
	}

	r = s.u.ok("", "exec", "deploy", "--", "env")
	env := r.stdout
	contains(t, "child env", env, "AWSKEEP=deploy\n", "AWS_ACCESS_KEY_ID=ASIA", "AWS_SESSION_TOKEN=", "AWS_CREDENTIAL_EXPIRATION=", "AWS_REGION=us-east-1")
	for _, leaked := range []string{"AWSKEEP_FILE_PASSPHRASE", s.alice.Key.SecretAccessKey, s.alice.Key.AccessKeyID, "AWS_PROFILE="} {
		if strings.Contains(env, leaked) {
			t.Errorf("child env contains %q", leaked)
		}
	}

	// Nested exec is refused with a way out.
	r = s.u.run("", []string{"AWSKEEP=deploy"}, "exec", "alice", "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "already inside 'awskeep exec deploy'") {
		t.Errorf("nested exec: %d %s", r.code, r.stderr)
	}
	// The child's exit code comes through.
	if r := s.u.run("", nil, "exec", "deploy", "--", "sh", "-c", "exit 7"); r.code != 7 {
		t.Errorf("child exit 7 came back as %d", r.code)
	}
}

func roleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// TestCredentialProcessWithAWSCLIAndBoto3: a profile with
// credential_process = awskeep credential-process deploy serves the aws CLI
// and boto3; the second use comes from the cache without an STS call.
func TestCredentialProcessWithAWSCLIAndBoto3(t *testing.T) {
	s := newRoleSetup(t, "file")
	s.u.writeFile(".aws/config", s.u.readFile(".aws/config")+
		fmt.Sprintf("\n[profile deploy-cli]\ncredential_process = %s credential-process deploy\n", awskeepBin))

	moto.StartRecording(t)
	out := s.u.aws(t, []string{"AWS_PROFILE=deploy-cli"}, "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if !strings.Contains(out, ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Errorf("aws CLI via credential_process: %s", out)
	}
	py := `import boto3; print(boto3.Session(profile_name="deploy-cli").client("sts").get_caller_identity()["Arn"])`
	cmd := exec.Command("python3", "-c", py)
	cmd.Env = s.u.env
	b, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Errorf("boto3 via credential_process: %v %s", err, b)
	}
	reqs := moto.Recorded(t)
	if n := stsCalls(reqs, "AssumeRole"); n != 1 {
		t.Errorf("AssumeRole called %d times for two clients; the second must come from the cache", n)
	}
}

// TestParallelCredentialProcessOneSTSCallOneMFA: 16 credential-process calls
// with a cold cache make exactly one STS request and run mfa_process once;
// the code is checked by moto against bob's MFA device, and the session all
// 16 print is accepted by moto as bob.
func TestParallelCredentialProcessOneSTSCallOneMFA(t *testing.T) {
	u := newUser(t, "file")
	bob, device := moto.CreateMFAUser(t, "bob")
	u.ok(bob.Key.AccessKeyID+"\n"+bob.Key.SecretAccessKey+"\n", "add", "bob")
	counter := filepath.Join(u.home, "mfa-runs")
	u.ok("", "profile", "set", "bob", "mfa_serial="+device.Serial, "mfa_process="+device.MFAProcess(t, counter))

	moto.StartRecording(t)
	var wg sync.WaitGroup
	results := make([]result, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = u.run("", nil, "credential-process", "bob")
		}()
	}
	wg.Wait()
	var first string
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("call %d: exit %d: %s", i, r.code, r.stderr)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out["Version"] != float64(1) || out["Expiration"] == nil {
			t.Fatalf("call %d printed %q", i, r.stdout)
		}
		if first == "" {
			first = r.stdout
		} else if r.stdout != first {
			t.Errorf("call %d got different credentials", i)
		}
	}
	if got := moto.CallerARN(t, processCredentials(t, first)); got != bob.ARN {
		t.Errorf("the session is %s, want bob %s", got, bob.ARN)
	}
	reqs := moto.Recorded(t)
	if n := stsCalls(reqs, "GetSessionToken"); n != 1 {
		t.Errorf("GetSessionToken called %d times, want 1", n)
	}
	for _, r := range reqs {
		if r.Action == "GetSessionToken" && (r.Params.Get("SerialNumber") != device.Serial || len(r.Params.Get("TokenCode")) != 6) {
			t.Errorf("GetSessionToken params %v", r.Params)
		}
	}
	runs, _ := os.ReadFile(counter)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Errorf("mfa_process ran %d times, want 1", n)
	}
}

// processCredentials reads credential_process JSON.
func processCredentials(t *testing.T, out string) awstest.Credentials {
	t.Helper()
	var c struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("credential_process output %q: %v", out, err)
	}
	return awstest.Credentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

// TestExecServerServesBoto3: exec --server hands a boto3 child a
// container-credentials endpoint instead of fixed keys.
func TestExecServerServesBoto3(t *testing.T) {
	s := newRoleSetup(t, "file")
	py := `import os, boto3
assert "AWS_ACCESS_KEY_ID" not in os.environ, "fixed keys leaked into --server child"
print(boto3.client("sts").get_caller_identity()["Arn"])
print(boto3.Session().get_credentials().method)`
	r := s.u.ok("", "exec", "deploy", "--server", "--", "python3", "-c", py)
	contains(t, "boto3 output", r.stdout, ":assumed-role/"+roleName(s.roleARN)+"/", "container-role")
}
