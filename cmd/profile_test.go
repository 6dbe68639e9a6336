package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/vault"
)

const threeHopConfig = `# work accounts
[profile base]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod]
source_profile = base
role_arn = arn:aws:iam::222222222222:role/deploy

[profile prod-admin]
source_profile = prod
role_arn = arn:aws:iam::222222222222:role/admin ; chained
external_id = ext-123
`

func TestProfileShowThreeHops(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	if code := te.run("profile", "show", "prod-admin"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	mustContain(t, "output", te.stdout.String(),
		"prod-admin resolves in 3 hops",
		"1. base (source: long-term key, none stored)",
		"why: base is the end of the chain (no source_profile) and nothing else gives it credentials, so awskeep needs a stored key for it: 'awskeep add base'",
		"2. prod (assume role)",
		"3. prod-admin (assume role)",
		"arn:aws:iam::222222222222:role/admin",
		"~/.aws/config:12",
	)
}

// TestProfileShowSaysWhichHopIsTheSource: with a key stored for a profile
// in the middle of the chain, profile show stops there and says why.
func TestProfileShowSaysWhichHopIsTheSource(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	storeKey(t, te, vault.Key{Profile: "prod", AccessKeyID: "AKIAPRODPRODPRODPROD", SecretAccessKey: "prod-secret-0000000000000000000000000000"})
	te.f.resetVault()
	if code := te.run("profile", "show", "prod-admin", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	var got struct {
		Source struct{ Profile, Kind, Why string }
		Hops   []struct{ Profile, Role string }
	}
	if err := json.Unmarshal(te.stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Source.Profile != "prod" || got.Source.Kind != "stored key" || len(got.Hops) != 2 || got.Hops[0].Role != "source: stored key" {
		t.Errorf("profile show = %+v, want prod's stored key as the source of 2 hops", got)
	}
	mustContain(t, "why", got.Source.Why, "stops at prod", "a key is stored for it", "as the AWS SDKs do")
}

func TestProfileShowCycle(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::1:role/x\n[profile b]\nsource_profile = c\nrole_arn = arn:aws:iam::1:role/y\n[profile c]\nsource_profile = a\nrole_arn = arn:aws:iam::1:role/z\n")
	code := te.run("profile", "show", "a")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1", code)
	}
	mustContain(t, "stderr", te.stderr.String(), "awskeep: source_profile cycle", "a -> b -> c -> a")
}

func TestProfileUnknownSuggests(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	code := te.run("profile", "show", "prdo")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1", code)
	}
	mustContain(t, "stderr", te.stderr.String(), `no profile named "prdo"`, "Did you mean: prod")
}

func TestProfileListJSON(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	te.writeFile(t, ".aws/credentials", "[legacy]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = abc\n")
	if code := te.run("profile", "list", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	var rows []profileSummary
	if err := json.Unmarshal(te.stdout.Bytes(), &rows); err != nil {
		t.Fatalf("bad JSON %q: %v", te.stdout, err)
	}
	names := map[string]profileSummary{}
	for _, r := range rows {
		names[r.Profile] = r
	}
	if len(rows) != 4 || !names["legacy"].PlainTextKey || names["prod"].RoleARN != "arn:aws:iam::222222222222:role/deploy" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestProfileSetKeepsOtherLines(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	if code := te.run("profile", "set", "prod", "region=us-west-2", "duration_seconds=3600"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	want := `# work accounts
[profile base]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod]
source_profile = base
role_arn = arn:aws:iam::222222222222:role/deploy
region = us-west-2
duration_seconds = 3600

[profile prod-admin]
source_profile = prod
role_arn = arn:aws:iam::222222222222:role/admin ; chained
external_id = ext-123
`
	if got := te.readFile(t, ".aws/config"); got != want {
		t.Errorf("config after set:\n%s\nwant:\n%s", got, want)
	}
	if code := te.run("profile", "set", "prod", "--unset", "duration_seconds"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	if got := te.readFile(t, ".aws/config"); got == want {
		t.Errorf("--unset changed nothing")
	}
}

func TestProfileSetRejects(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"secret on argv", []string{"prod", "aws_secret_access_key=abc"}, exitFailure, "never go on the command line"},
		{"secret on argv, upper case", []string{"prod", "AWS_SECRET_ACCESS_KEY=abc"}, exitFailure, "never go on the command line"},
		{"token on argv, mixed case", []string{"prod", "Aws_Security_Token=abc"}, exitFailure, "never go on the command line"},
		{"unset a key id, upper case", []string{"prod", "--unset", "AWS_ACCESS_KEY_ID"}, exitFailure, "not kept in ~/.aws/config"},
		{"empty profile name", []string{"", "region=eu-west-1"}, exitUsage, "invalid profile name"},
		{"profile name with a slash", []string{"a/b", "region=eu-west-1"}, exitUsage, "invalid profile name"},
		{"bad duration", []string{"prod", "duration_seconds=12"}, exitFailure, "900 to 43200"},
		{"cycle", []string{"base", "source_profile=prod-admin"}, exitFailure, "cycle"},
		{"missing source", []string{"prod", "source_profile=nope"}, exitFailure, "no such profile"},
		{"not key=value", []string{"prod", "region"}, exitUsage, "is not KEY=VALUE"},
		{"nothing", []string{"prod"}, exitUsage, "nothing to set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.writeFile(t, ".aws/config", threeHopConfig)
			code := te.run(append([]string{"profile", "set"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, te.stderr)
			}
			mustContain(t, "stderr", te.stderr.String(), tc.want)
			if got := te.readFile(t, ".aws/config"); got != threeHopConfig {
				t.Errorf("file changed on a rejected set:\n%s", got)
			}
		})
	}
}

func TestProfileDelete(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	if code := te.run("profile", "delete", "prod"); code != exitFailure {
		t.Fatalf("deleting a source profile: exit %d, want 1", code)
	}
	mustContain(t, "stderr", te.stderr.String(), "source_profile of prod-admin")
	if code := te.run("profile", "delete", "prod-admin"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	// The section goes with the blank line that separated it.
	want := threeHopConfig[:len(threeHopConfig)-len("\n[profile prod-admin]\nsource_profile = prod\nrole_arn = arn:aws:iam::222222222222:role/admin ; chained\nexternal_id = ext-123\n")]
	if got := te.readFile(t, ".aws/config"); got != want {
		t.Errorf("after delete:\n%q\nwant:\n%q", got, want)
	}
}

// The AWS CLI reads only the last section of a profile ([profile  dev]
// after [profile dev], [default] after [profile default]); profile set edits
// that one, and profile delete removes all of them.
func TestProfileEditsTheSectionTheCLIReads(t *testing.T) {
	te := newTestEnv(t)
	const config = "[profile dev]\nregion = us-east-1\n\n[profile  dev]\nregion = eu-west-1\n\n[profile default]\noutput = json\n\n[default]\noutput = text\n"
	te.writeFile(t, ".aws/config", config)
	if code := te.run("profile", "set", "dev", "region=ap-south-1"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	want := "[profile dev]\nregion = us-east-1\n\n[profile  dev]\nregion = ap-south-1\n\n[profile default]\noutput = json\n\n[default]\noutput = text\n"
	if got := te.readFile(t, ".aws/config"); got != want {
		t.Errorf("after set:\n%q\nwant:\n%q", got, want)
	}
	if code := te.run("profile", "delete", "default"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	want = "[profile dev]\nregion = us-east-1\n\n[profile  dev]\nregion = ap-south-1\n"
	if got := te.readFile(t, ".aws/config"); got != want {
		t.Errorf("after delete:\n%q\nwant:\n%q", got, want)
	}
}

// A file the AWS CLI refuses is refused with the line and what the CLI says.
func TestProfileRefusesWhatTheCLIRefuses(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile dev]\nregion = us-east-1\nRegion = eu-west-1\n")
	if code := te.run("profile", "show", "dev"); code != exitFailure {
		t.Fatalf("exit %d, want 1: %s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "line 3: key region appears a second time in [profile dev] (first at line 2)")
	mustContain(t, "stderr", te.stderr.String(), `"Unable to parse config file: `)
}

// clear PROFILE and profile set --unset name a profile that must exist.
func TestClearAndUnsetUnknownProfile(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile prod]\nregion = eu-west-1\n")
	for _, args := range [][]string{{"clear", "prdo"}, {"profile", "set", "prdo", "--unset", "region"}} {
		if code := te.run(args...); code != exitFailure {
			t.Errorf("%v: exit %d, want 1\n%s", args, code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), `no profile named "prdo"`, "Did you mean: prod?")
	}
	if got := te.readFile(t, ".aws/config"); got != "[profile prod]\nregion = eu-west-1\n" {
		t.Errorf("config changed: %q", got)
	}
	if code := te.run("clear", "prod"); code != 0 {
		t.Errorf("clear prod: exit %d\n%s", code, te.stderr)
	}
}

// A bad AWSKEEP_ROTATE_AFTER is one warning; list still lists.
func TestListWithBadRotateAfterWarnsOnce(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", threeHopConfig)
	te.env["AWSKEEP_ROTATE_AFTER"] = "bogus"
	if code := te.run("list"); code != 0 {
		t.Fatalf("exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stdout", te.stdout.String(), "prod-admin")
	if n := strings.Count(te.stderr.String(), "AWSKEEP_ROTATE_AFTER=bogus"); n != 1 {
		t.Errorf("stderr names the variable %d times:\n%s", n, te.stderr)
	}
}

// TestProfileListEmptySuggestsARealCommand: with no profiles, the way on is a
// command that can be typed as printed, not one with a placeholder.
func TestProfileListEmptySuggestsARealCommand(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("profile", "list"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	mustContain(t, "output", te.stdout.String()+te.stderr.String(), "awskeep add default")
}
