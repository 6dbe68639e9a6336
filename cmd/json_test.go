package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// jsonFixtureConfig has a key-holding source, roles on it, an MFA device,
// a plain-text key and an IAM Identity Center profile that is not logged in.
const jsonFixtureConfig = `[profile base]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod]
source_profile = base
role_arn = arn:aws:iam::222222222222:role/deploy

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile portal]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = ReadOnly
`

// TestEveryJSONOutputFollowsTheSchema runs every command that has --json,
// on an empty home and on a populated one, and walks what they print: no
// null anywhere (arrays are [] when empty), every time an RFC 3339 UTC
// string, every age or time left a number with its unit in its name, and a
// profile always under "profile" (or "source_profile"), never "name".
func TestEveryJSONOutputFollowsTheSchema(t *testing.T) {
	fixtures := map[string]func(t *testing.T, te *testEnv) []string{
		"empty": func(t *testing.T, te *testEnv) []string { return nil },
		"populated": func(t *testing.T, te *testEnv) []string {
			te.writeFile(t, ".aws/config", jsonFixtureConfig)
			te.writeFile(t, ".aws/credentials", "[legacy]\naws_access_key_id = AKIALEGACYLEGACY0003\naws_secret_access_key = abc\n")
			now := te.f.Now()
			store := storeKey(t, te, vault.Key{Profile: "base", AccessKeyID: "AKIABASEBASEBASE0001", SecretAccessKey: "secret-0000000000000000",
				CreatedAt: now.Add(-100 * 24 * time.Hour), AddedAt: now.Add(-time.Hour)})
			// A key whose profile is gone from the config.
			storeKey(t, te, vault.Key{Profile: "gone", AccessKeyID: "AKIAGONEGONEGONE0002", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
			for i, s := range []vault.Session{
				{ID: "gst-plain", Profile: "base", Expiration: now.Add(11 * time.Hour)},
				{ID: "gst-mfa", Profile: "base", Expiration: now.Add(5 * time.Hour)},
				{ID: "role", Profile: "prod", Expiration: now.Add(50 * time.Minute)},
			} {
				s.SourceKeyID, s.AccessKeyID = "AKIABASEBASEBASE0001", fmt.Sprintf("ASIASESSION%09d", i)
				s.SecretAccessKey, s.SessionToken = "s", "t"
				if err := store.PutSession(s); err != nil {
					t.Fatal(err)
				}
			}
			te.f.resetVault()
			return []string{"base", "prod", "portal", "legacy", "gone"}
		},
	}
	for name, setup := range fixtures {
		t.Run(name, func(t *testing.T) {
			te := newTestEnv(t)
			profiles := setup(t, te)
			outputs := map[string][]byte{}
			run := func(args ...string) {
				t.Helper()
				code := te.run(args...)
				if code != 0 && code != exitFailure {
					t.Fatalf("%v: exit %d\n%s", args, code, te.stderr)
				}
				outputs[strings.Join(args, " ")] = bytes.Clone(te.stdout.Bytes())
			}
			run("list", "--json")
			run("profile", "list", "--json")
			run("keyring", "status", "--json")
			for _, p := range profiles {
				if p != "gone" { // not in the config: profile show refuses it
					run("profile", "show", p, "--json")
				}
			}
			aws := &slowAWS{identityCalls: map[string]int{}}
			opts := aws.options(te)
			opts.JSON = true
			te.stdout.Reset()
			_ = runDoctor(context.Background(), opts)
			te.f.resetVault()
			outputs["doctor --json"] = bytes.Clone(te.stdout.Bytes())

			isProfile := map[string]bool{}
			for _, p := range profiles {
				isProfile[p] = true
			}
			for cmd, out := range outputs {
				var v any
				if err := json.Unmarshal(out, &v); err != nil {
					t.Errorf("%s: not JSON (%v):\n%s", cmd, err, out)
					continue
				}
				for _, problem := range checkJSONSchema("$", v, isProfile) {
					t.Errorf("%s: %s", cmd, problem)
				}
			}
			if name == "populated" && !bytes.Contains(outputs["list --json"], []byte(`"expiration"`)) {
				t.Errorf("list --json shows no session:\n%s", outputs["list --json"])
			}
			if name == "populated" && !bytes.Contains(outputs["doctor --json"], []byte(`"profile": "gone"`)) {
				t.Errorf("doctor --json does not report the key without a profile:\n%s", outputs["doctor --json"])
			}
		})
	}
}

var (
	looksLikeTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)
	// Keys whose values are times; ages and times left are numbers and end
	// in their unit.
	timeKey    = regexp.MustCompile(`(^|_)(expiration|created|until|at)$`)
	durationOK = regexp.MustCompile(`(^|_)(seconds|days)(_|$)`)
	durationIs = regexp.MustCompile(`(^|_)(age|left|duration)(_|$)`)
	profileKey = map[string]bool{"profile": true, "source_profile": true, "value": true}
)

// checkJSONSchema returns what in v breaks the rules of docs/json.md.
func checkJSONSchema(path string, v any, isProfile map[string]bool) []string {
	var problems []string
	switch v := v.(type) {
	case nil:
		problems = append(problems, path+" is null")
	case []any:
		for i, e := range v {
			problems = append(problems, checkJSONSchema(fmt.Sprintf("%s[%d]", path, i), e, isProfile)...)
		}
	case map[string]any:
		for k, e := range v {
			p := path + "." + k
			if k == "name" {
				problems = append(problems, p+`: a profile is "profile", and nothing else is "name"`)
			}
			if s, ok := e.(string); ok && isProfile[s] && !profileKey[k] {
				problems = append(problems, fmt.Sprintf("%s = %q: a profile's name belongs under \"profile\"", p, s))
			}
			if timeKey.MatchString(k) {
				if s, ok := e.(string); !ok || !looksLikeTime.MatchString(s) {
					problems = append(problems, fmt.Sprintf("%s = %v: a time is an RFC 3339 string", p, e))
				}
			}
			if durationIs.MatchString(k) {
				if _, ok := e.(float64); !ok || !durationOK.MatchString(k) {
					problems = append(problems, fmt.Sprintf("%s = %v: an age or time left is a number named with its unit (seconds)", p, e))
				}
			}
			problems = append(problems, checkJSONSchema(p, e, isProfile)...)
		}
	case string:
		if looksLikeTime.MatchString(v) {
			ts, err := time.Parse(time.RFC3339, v)
			if err != nil || !strings.HasSuffix(v, "Z") || ts.Location() != time.UTC {
				problems = append(problems, fmt.Sprintf("%s = %q: not an RFC 3339 time in UTC (Z)", path, v))
			}
		}
	}
	return problems
}

// The checker itself finds each kind of break.
func TestJSONSchemaCheckCatches(t *testing.T) {
	isProfile := map[string]bool{"prod": true}
	for doc, want := range map[string]string{
		`{"sessions": null}`:                          "is null",
		`[{"name": "prod"}]`:                          `nothing else is "name"`,
		`{"owner": "prod"}`:                           `belongs under "profile"`,
		`{"expiration": "2026-11-23T13:00:00+01:00"}`: "UTC",
		`{"expiration": 1764000000}`:                  "RFC 3339 string",
		`{"key_age": 12}`:                             "with its unit",
		`{"left": "5 min"}`:                           "with its unit",
	} {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(checkJSONSchema("$", v, isProfile), "; "); !strings.Contains(got, want) {
			t.Errorf("%s: problems %q, want one saying %q", doc, got, want)
		}
	}
	var ok any
	_ = json.Unmarshal([]byte(`{"profile": "prod", "sessions": [], "expiration": "2026-11-23T12:00:00Z", "seconds_left": 5, "key_age_seconds": 1}`), &ok)
	if got := checkJSONSchema("$", ok, isProfile); len(got) != 0 {
		t.Errorf("a good document: %v", got)
	}
}
