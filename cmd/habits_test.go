package cmd

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// TestExecArguments: aws-vault's habit `exec PROFILE CMD ARGS...` works
// without "--"; flags after CMD are CMD's; awskeep's flags may sit before or
// after PROFILE; "--" still works.
func TestExecArguments(t *testing.T) {
	cases := []struct {
		name        string
		args        []string
		env         map[string]string
		profile     string
		command     []string
		duration    time.Duration
		region      string
		wantUsage   string
		wantDebugOn bool
	}{
		{name: "no dashes", args: []string{"prod", "aws", "s3", "ls", "--recursive"}, profile: "prod", command: []string{"aws", "s3", "ls", "--recursive"}},
		{name: "CMD flags look like ours", args: []string{"prod", "terraform", "plan", "--duration", "x", "-d"}, profile: "prod", command: []string{"terraform", "plan", "--duration", "x", "-d"}},
		{name: "dashes", args: []string{"prod", "--", "aws", "s3", "ls"}, profile: "prod", command: []string{"aws", "s3", "ls"}},
		{name: "flags after PROFILE then dashes", args: []string{"prod", "--duration", "1h", "--", "terraform", "plan"}, profile: "prod", command: []string{"terraform", "plan"}, duration: time.Hour},
		{name: "flags after PROFILE, no dashes", args: []string{"prod", "-d", "2h", "--region", "eu-west-1", "aws", "ec2", "describe-instances"}, profile: "prod", command: []string{"aws", "ec2", "describe-instances"}, duration: 2 * time.Hour, region: "eu-west-1"},
		{name: "flags before PROFILE", args: []string{"--region", "us-gov-west-1", "prod", "env"}, profile: "prod", command: []string{"env"}, region: "us-gov-west-1"},
		{name: "debug after PROFILE", args: []string{"prod", "--debug", "true"}, profile: "prod", command: []string{"true"}, wantDebugOn: true},
		{name: "shell", args: []string{"prod"}, profile: "prod"},
		{name: "AWS_PROFILE and dashes", args: []string{"--", "aws", "s3", "ls"}, env: map[string]string{"AWS_PROFILE": "dev"}, profile: "dev", command: []string{"aws", "s3", "ls"}},
		{name: "dashes then a CMD that starts with a dash", args: []string{"prod", "--", "-weird"}, profile: "prod", command: []string{"-weird"}},
		{name: "no profile anywhere", args: []string{"--", "aws"}, wantUsage: "which profile?"},
		{name: "unknown flag after PROFILE", args: []string{"prod", "--bogus", "aws"}, wantUsage: "unknown flag: --bogus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t)
			for k, v := range tc.env {
				te.env[k] = v
			}
			var got *execOptions
			root := newRootCmd(te.f)
			for _, c := range root.Commands() {
				if c.Name() == "exec" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(newExecCmd(te.f, func(_ context.Context, o *execOptions) error { got = o; return nil }))
			root.SetArgs(append([]string{"exec"}, tc.args...))
			code := renderError(te.stderr, root.ExecuteContext(context.Background()))
			if tc.wantUsage != "" {
				if code != exitUsage || !strings.Contains(te.stderr.String(), tc.wantUsage) {
					t.Fatalf("exit %d, stderr %q; want usage error %q", code, te.stderr.String(), tc.wantUsage)
				}
				return
			}
			if code != 0 || got == nil {
				t.Fatalf("exit %d: %s", code, te.stderr.String())
			}
			if got.Profile != tc.profile || !slices.Equal(got.Command, tc.command) {
				t.Errorf("profile %q command %q; want %q %q", got.Profile, got.Command, tc.profile, tc.command)
			}
			if got.Session.Duration != tc.duration || got.Session.Region != tc.region {
				t.Errorf("duration %v region %q; want %v %q", got.Session.Duration, got.Session.Region, tc.duration, tc.region)
			}
			if on := te.f.Log.Enabled(context.Background(), -4); on != tc.wantDebugOn {
				t.Errorf("debug logging on = %v, want %v", on, tc.wantDebugOn)
			}
		})
	}
}

// TestProfileDefaultOrder: PROFILE, then AWS_PROFILE, then
// AWS_DEFAULT_PROFILE; a conflict between the two is said out loud.
func TestProfileDefaultOrder(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		env       map[string]string
		want      string
		wantNote  bool
		wantUsage bool
	}{
		{"argument wins", []string{"a"}, map[string]string{"AWS_PROFILE": "b", "AWS_DEFAULT_PROFILE": "c"}, "a", false, false},
		{"AWS_PROFILE", nil, map[string]string{"AWS_PROFILE": "b"}, "b", false, false},
		{"AWS_DEFAULT_PROFILE", nil, map[string]string{"AWS_DEFAULT_PROFILE": "c"}, "c", false, false},
		{"both, same", nil, map[string]string{"AWS_PROFILE": "b", "AWS_DEFAULT_PROFILE": "b"}, "b", false, false},
		{"both, differ", nil, map[string]string{"AWS_PROFILE": "b", "AWS_DEFAULT_PROFILE": "c"}, "b", true, false},
		{"none, no terminal", nil, nil, "", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t)
			for k, v := range tc.env {
				te.env[k] = v
			}
			c := newExportCmd(te.f, nil)
			got, err := profileArg(c, te.f, tc.args, fromEnvOrPicker)
			if tc.wantUsage {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Fatalf("got %q, %v; want a usage error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			if note := strings.Contains(te.stderr.String(), "differ"); note != tc.wantNote {
				t.Errorf("conflict note shown = %v, want %v: %q", note, tc.wantNote, te.stderr.String())
			}
		})
	}
}

// TestEveryProfileCommandTakesAWSProfile: each command that acts on one
// profile uses $AWS_PROFILE when PROFILE is omitted.
func TestEveryProfileCommandTakesAWSProfile(t *testing.T) {
	const name = "from-env-profile"
	for _, command := range [][]string{{"export"}, {"exec", "--", "true"}, {"credential-process"}, {"remove", "--force"}, {"rotate"}, {"profile", "show"}, {"profile", "delete"}} {
		t.Run(strings.Join(command, " "), func(t *testing.T) {
			te := newTestEnv(t)
			te.env["AWS_PROFILE"] = name
			te.run(command...)
			mustContain(t, "stderr", te.stderr.String(), name)
		})
	}
	t.Run("add", func(t *testing.T) {
		te := newTestEnv(t)
		te.env["AWS_DEFAULT_PROFILE"] = name
		te.stdin.WriteString("AKIAEXAMPLE000000001\nsecret0000000000000000000000000000000000\n")
		if code := te.run("add", "--no-verify"); code != 0 {
			t.Fatalf("add: exit %d %s", code, te.stderr.String())
		}
		te.run("list")
		mustContain(t, "list", te.stdout.String(), name)
	})
}

// TestPickerOnlyOnATerminal: with no profile anywhere, a terminal gets the
// picker (with the config's profiles); no terminal gets the usage error.
func TestPickerOnlyOnATerminal(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile prod]\nregion = eu-west-1\n[default]\n[profile dev]\n")
	var offered []string
	te.f.pickProfile = func(_ context.Context, names []string) (string, error) {
		offered = names
		return "dev", nil
	}
	if code := te.run("profile", "show"); code != exitUsage || offered != nil {
		t.Fatalf("without a terminal: exit %d, picker offered %v; want the usage error and no picker", code, offered)
	}
	te.f.IO.stdinIsTerminal = func() bool { return true }
	if code := te.run("profile", "show"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr.String())
	}
	if !slices.Equal(offered, []string{"default", "dev", "prod"}) {
		t.Errorf("offered %v", offered)
	}
	mustContain(t, "profile show", te.stdout.String(), "dev")

	te.f.pickProfile = func(context.Context, []string) (string, error) { return "", &pickerCanceledError{} }
	if code := te.run("export"); code != exitFailure || !strings.Contains(te.stderr.String(), "no profile chosen") {
		t.Errorf("canceled picker: exit %d, %q", code, te.stderr.String())
	}
	te.f.pickProfile = func(context.Context, []string) (string, error) { return "", errNoTerminal }
	if code := te.run("export"); code != exitUsage {
		t.Errorf("no /dev/tty: exit %d, %q; want the usage error", code, te.stderr.String())
	}
	// credential-process never opens a picker: its caller is a program.
	te.f.pickProfile = func(context.Context, []string) (string, error) { t.Error("picker opened"); return "", nil }
	if code := te.run("credential-process"); code != exitUsage {
		t.Errorf("credential-process: exit %d", code)
	}
}

// TestExportFormats: env is KEY=value (dotenv), export-env (the default) is
// export KEY='value'.
func TestExportFormats(t *testing.T) {
	creds := &sts.Result{
		Credentials: sts.Credentials{
			AccessKeyID:     "ASIAEXAMPLE000000001",
			SecretAccessKey: vault.Secret("se/cr+et="),
			SessionToken:    vault.Secret("tok/en+=="),
			Expiration:      time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC),
		},
		Region: "eu-west-1",
	}
	var env, export strings.Builder
	if err := writeEnvLines(&env, creds, dotenvLine); err != nil {
		t.Fatal(err)
	}
	if err := writeEnvLines(&export, creds, exportLine); err != nil {
		t.Fatal(err)
	}
	wantEnv := "AWS_ACCESS_KEY_ID=ASIAEXAMPLE000000001\nAWS_SECRET_ACCESS_KEY=se/cr+et=\nAWS_SESSION_TOKEN=tok/en+==\nAWS_CREDENTIAL_EXPIRATION=2026-11-23T13:00:00Z\nAWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\n"
	if env.String() != wantEnv {
		t.Errorf("env:\n%s\nwant\n%s", env.String(), wantEnv)
	}
	if !strings.HasPrefix(export.String(), "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE000000001'\nexport AWS_SECRET_ACCESS_KEY='se/cr+et='\n") {
		t.Errorf("export-env:\n%s", export.String())
	}
	if got := dotenvLine("AWS_REGION", "it's odd"); got != `AWS_REGION='it'\''s odd'`+"\n" {
		t.Errorf("odd value: %q", got)
	}
}

func TestExportFormatFlag(t *testing.T) {
	te := newTestEnv(t)
	te.env["AWS_PROFILE"] = "x"
	for _, format := range []string{"env", "export-env", "json", "ini"} {
		code := te.run("export", "--format", format)
		if code == exitUsage {
			t.Errorf("--format %s refused: %s", format, te.stderr.String())
		}
	}
	if code := te.run("export", "--format", "yaml"); code != exitUsage || !strings.Contains(te.stderr.String(), "export-env, env, json or ini") {
		t.Errorf("--format yaml: exit %d %s", code, te.stderr.String())
	}
}

// TestChildGetsNoAWSVaultVariables: aws-vault's variables hold its secrets
// (AWS_VAULT_FILE_PASSPHRASE) or would mislead (AWS_VAULT nesting marker).
func TestChildGetsNoAWSVaultVariables(t *testing.T) {
	parent := []string{"PATH=/bin", "AWS_VAULT=old", "AWS_VAULT_FILE_PASSPHRASE=pw", "AWS_VAULT_BACKEND=file", "AWS_VAULT_PROMPT=terminal", "AWS_VAULTX=1", "MY_AWS_VAULT=keep"}
	got := childEnv(parent, "prod", "")
	want := []string{"PATH=/bin", "MY_AWS_VAULT=keep", "AWSKEEP=prod"}
	if !slices.Equal(got, want) {
		t.Errorf("childEnv = %q, want %q", got, want)
	}
}

func TestVersionFlagAndAliases(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("--version"); code != 0 || !strings.HasPrefix(te.stdout.String(), "awskeep version ") {
		t.Errorf("--version: exit %d %q", code, te.stdout.String())
	}
	if code := te.run("ls"); code != 0 {
		t.Errorf("ls: exit %d %s", code, te.stderr.String())
	}
	if code := te.run("profile", "ls"); code != 0 {
		t.Errorf("profile ls: exit %d %s", code, te.stderr.String())
	}
	te.writeFile(t, ".aws/config", "[profile gone]\nregion = eu-west-1\n")
	if code := te.run("rm", "gone", "--force"); code == exitUsage {
		t.Errorf("rm: %s", te.stderr.String())
	}
	if code := te.run("profile", "rm", "gone"); code == exitUsage {
		t.Errorf("profile rm: %s", te.stderr.String())
	}
}

func TestImportFromFlags(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("profile", "import", "--from", "granted"); code != exitUsage || !strings.Contains(te.stderr.String(), "--from takes aws-vault") {
		t.Errorf("--from granted: exit %d %s", code, te.stderr.String())
	}
	if code := te.run("profile", "import", "--remove"); code != exitUsage {
		t.Errorf("--remove without --from: exit %d %s", code, te.stderr.String())
	}
	te.env["AWS_VAULT_BACKEND"] = "file"
	if code := te.run("profile", "import", "--from", "aws-vault"); code != exitFailure || !strings.Contains(te.stderr.String(), "AWS_VAULT_BACKEND picks the backend") {
		t.Errorf("no aws-vault store: exit %d %s", code, te.stderr.String())
	}
}
