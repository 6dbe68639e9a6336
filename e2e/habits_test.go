package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joho/godotenv"
)

// TestExecWithoutDashes: `awskeep exec deploy aws sts get-caller-identity`
// works without "--" (aws-vault's habit); the flags after CMD are CMD's.
func TestExecWithoutDashes(t *testing.T) {
	s := newRoleSetup(t, "file")
	r := s.u.ok("", "exec", "deploy", "aws", "sts", "get-caller-identity", "--output", "json")
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(r.stdout), &id); err != nil {
		t.Fatalf("aws printed %q (stderr %s)", r.stdout, r.stderr)
	}
	if !strings.Contains(id.Arn, ":assumed-role/"+roleName(s.roleARN)+"/") {
		t.Errorf("caller %s, want the assumed role %s", id.Arn, s.roleARN)
	}
	// A CMD flag that awskeep also has (-d) is the CMD's.
	r = s.u.ok("", "exec", "deploy", "sh", "-c", `printf '%s|' "$@"`, "sh", "-d", "--region", "x")
	if r.stdout != "-d|--region|x|" {
		t.Errorf("CMD got %q", r.stdout)
	}
}

// TestRegionFlag: --region is the STS region and the child's AWS_REGION and
// AWS_DEFAULT_REGION, over the environment and the profile.
func TestRegionFlag(t *testing.T) {
	s := newRoleSetup(t, "file")
	s.u.ok("", "profile", "set", "deploy", "region=eu-west-1")
	moto.StartRecording(t)
	r := s.u.run("", []string{"AWS_REGION=ap-south-1"}, "exec", "deploy", "--region", "eu-central-1", "--refresh", "sh", "-c", `echo "$AWS_REGION $AWS_DEFAULT_REGION"`)
	if r.code != 0 || r.stdout != "eu-central-1 eu-central-1\n" {
		t.Fatalf("exit %d, child saw %q: %s", r.code, r.stdout, r.stderr)
	}
	var regions []string
	for _, req := range moto.Recorded(t) {
		if req.Action == "AssumeRole" && req.AccessKeyID == s.alice.Key.AccessKeyID {
			regions = append(regions, req.SigningRegion)
		}
	}
	if len(regions) != 1 || regions[0] != "eu-central-1" {
		t.Errorf("AssumeRole signed for regions %v, want [eu-central-1]", regions)
	}
	r = s.u.ok("", "export", "deploy", "--region", "us-west-2", "--format", "env")
	contains(t, "export", r.stdout, "AWS_REGION=us-west-2\n", "AWS_DEFAULT_REGION=us-west-2\n")
	r = s.u.ok("", "credential-process", "deploy", "--region", "us-west-2")
	contains(t, "credential-process", r.stdout, `"AccessKeyId": "ASIA`)
}

// TestExportEnvFormatsReadBack: env (KEY=value) is read back by bash and by
// two dotenv parsers; export-env by bash through eval.
func TestExportEnvFormatsReadBack(t *testing.T) {
	s := newRoleSetup(t, "file")
	s.u.ok("", "profile", "set", "deploy", "region=eu-west-1")
	want := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSpace(s.u.ok("", "exec", "deploy", "env").stdout), "\n") {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AWS_") && k != "AWS_CONFIG_FILE" && k != "AWS_SHARED_CREDENTIALS_FILE" && !strings.HasPrefix(k, "AWS_ENDPOINT") {
			want[k] = v
		}
	}
	if len(want) != 6 {
		t.Fatalf("exec env gave %d AWS variables: %v", len(want), want)
	}
	check := func(how string, got map[string]string) {
		t.Helper()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", how, k, got[k], v)
			}
		}
	}
	dump := `for k in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION; do printf '%s=%s\n' "$k" "$(printenv "$k")"; done`
	parse := func(out string) map[string]string {
		m := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			k, v, _ := strings.Cut(line, "=")
			m[k] = v
		}
		return m
	}
	bash := func(script string) string {
		t.Helper()
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = s.u.env
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, b)
		}
		return string(b)
	}

	env := s.u.ok("", "export", "deploy", "--format", "env").stdout
	if strings.Contains(env, "export ") || strings.Contains(env, "'") {
		t.Errorf("env format is not plain KEY=value:\n%s", env)
	}
	dotenv := filepath.Join(s.u.home, "creds.env")
	if err := os.WriteFile(dotenv, []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	check("bash set -a; . file", parse(bash("set -a; . "+dotenv+"; "+dump)))
	parsed, err := godotenv.Unmarshal(env)
	if err != nil {
		t.Fatal(err)
	}
	check("godotenv", parsed)
	py := exec.Command("python3", "-c", "import json,sys,dotenv; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))", dotenv)
	b, err := py.Output()
	if err != nil {
		t.Fatalf("python-dotenv: %v", err)
	}
	var pyParsed map[string]string
	if err := json.Unmarshal(b, &pyParsed); err != nil {
		t.Fatal(err)
	}
	check("python-dotenv", pyParsed)

	exportEnv := s.u.ok("", "export", "deploy", "--format", "export-env").stdout
	if exportEnv != s.u.ok("", "export", "deploy").stdout {
		t.Errorf("the default format is not export-env")
	}
	script := filepath.Join(s.u.home, "creds.sh")
	if err := os.WriteFile(script, []byte(exportEnv), 0o600); err != nil {
		t.Fatal(err)
	}
	check("bash eval", parse(bash(`eval "$(cat `+script+`)"; `+dump)))
}

// TestExecChildGetsNoAWSVaultVariables: aws-vault's passphrase and nesting
// marker do not reach the child.
func TestExecChildGetsNoAWSVaultVariables(t *testing.T) {
	s := newRoleSetup(t, "file")
	r := s.u.run("", []string{"AWS_VAULT_FILE_PASSPHRASE=hunter2", "AWS_VAULT=old", "AWS_VAULT_BACKEND=file"}, "exec", "deploy", "env")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "AWS_VAULT") || strings.Contains(r.stdout, "hunter2") {
		t.Errorf("child env has aws-vault's variables:\n%s", r.stdout)
	}
}

// keyStep: wait for Wait on the terminal, then type Send.
type keyStep struct {
	Wait string
	Send string
}

// typing runs awskeep on a terminal (stdout to a file) and types each step.
func (u *user) typing(t *testing.T, steps []keyStep, args ...string) (terminal, stdout string, code int) {
	t.Helper()
	spec := ptySpec{Stdout: u.stdoutFile()}
	for _, s := range steps {
		spec.Steps = append(spec.Steps, ptyStep{Wait: s.Wait, Send: s.Send})
	}
	return u.onPTY(t, nil, spec, args...)
}

// TestProfilePickerOnATerminal: with no PROFILE and no AWS_PROFILE, a
// terminal gets a list to pick from: typing filters, arrows move, Enter
// chooses. The list is drawn on the terminal, never on stdout.
func TestProfilePickerOnATerminal(t *testing.T) {
	s := newRoleSetup(t, "file")
	s.u.ok("", "profile", "set", "zeta", "region=eu-west-1")
	cases := []struct {
		name  string
		steps []keyStep
		want  string
	}{
		{"type to filter", []keyStep{{"zeta", "depl"}, {"depl", "\r"}}, "deploy"},
		{"arrow keys", []keyStep{{"zeta", "\x1b[B"}, {"deploy", "\x1b[B"}, {"zeta", "\x1b[A"}, {"deploy", "\r"}}, "deploy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			terminal, stdout, code := s.u.typing(t, tc.steps, "exec", "--", "sh", "-c", `echo "picked=$AWSKEEP"`)
			if code != 0 || stdout != "picked="+tc.want+"\n" {
				t.Fatalf("exit %d, stdout %q; terminal:\n%q", code, stdout, terminal)
			}
			contains(t, "terminal", terminal, "alice", "zeta")
		})
	}
	// export: the list is on the terminal; stdout has only the lines.
	terminal, stdout, code := s.u.typing(t, []keyStep{{"zeta", "alice"}, {"alice", "\r"}}, "export", "--format", "env", "--no-session")
	if code != 0 || !strings.HasPrefix(stdout, "AWS_ACCESS_KEY_ID="+s.alice.Key.AccessKeyID+"\n") {
		t.Errorf("export after picking: exit %d, stdout %q; terminal:\n%s", code, stdout, terminal)
	}
	// Ctrl-C leaves without a profile.
	_, stdout, code = s.u.typing(t, []keyStep{{"zeta", "\x03"}}, "export")
	if code != 1 || stdout != "" {
		t.Errorf("Ctrl-C: exit %d, stdout %q", code, stdout)
	}
	// No terminal: the usage error.
	if r := s.u.run("", nil, "exec", "--", "true"); r.code != 2 || !strings.Contains(r.stderr, "which profile?") {
		t.Errorf("no terminal: exit %d %s", r.code, r.stderr)
	}
}
