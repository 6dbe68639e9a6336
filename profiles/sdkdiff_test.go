package profiles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// goSDKRead is what the Go SDK reads for a profile: the keys below, or ok
// false when it has no such profile.
func goSDKRead(path string, isConfig bool, profile string) (map[string]string, bool) {
	missing := filepath.Join(filepath.Dir(path), "none")
	c, err := config.LoadSharedConfigProfile(context.Background(), profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{missing}, []string{missing}
		if isConfig {
			o.ConfigFiles = []string{path}
		} else {
			o.CredentialsFiles = []string{path}
		}
	})
	if err != nil {
		return nil, false
	}
	return map[string]string{"region": c.Region, "mfa_serial": c.MFASerial, "external_id": c.ExternalID,
		"role_session_name": c.RoleSessionName, "credential_process": c.CredentialProcess}, true
}

// For generated files that both awskeep and the AWS CLI read, wherever the
// Go SDK reads a profile or one of its keys differently, SDKDifferences
// names at least one line; where it names none, the two agree.
func TestSDKDifferencesAgainstGoSDK(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	headers := []string{"[default]", "[profile dev]", "[profile  dev]", "[ profile dev ]", "[profile dev] # c",
		"[profile dev] trailing", "[profile a#b]", "[DEFAULT]", "[profile default]", "[dev]", "[profiles dev]", "[profile\tdev]"}
	keys := []string{"region", "mfa_serial", "external_id", "role_session_name", "credential_process"}
	values := []string{"v1", "v2 # note", "'v3'", `"v4"`, "v5;x", "http://h/#f", "a ; b"}
	dir := t.TempDir()
	flagged, agreed := 0, 0
	for i := range 600 {
		var b strings.Builder
		for range 1 + r.IntN(3) {
			b.WriteString(headers[r.IntN(len(headers))] + "\n")
			for range r.IntN(3) {
				b.WriteString(keys[r.IntN(len(keys))] + " = " + values[r.IntN(len(values))] + "\n")
				if r.IntN(6) == 0 {
					b.WriteString("  region = indented\n")
				}
			}
		}
		isConfig := i%2 == 0
		path := filepath.Join(dir, fmt.Sprintf("%d", i))
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		p := Paths{Config: path}
		if !isConfig {
			p = Paths{Credentials: path}
		}
		set, err := Load(p)
		if err != nil {
			continue // refused, as by the AWS CLI
		}
		diffs := set.SDKDifferences()
		differ := ""
		for _, name := range []string{"default", "dev", "a#b", "profile dev", "DEFAULT"} {
			goVals, goOK := goSDKRead(path, isConfig, name)
			prof, cliErr := set.Profile(name)
			if (cliErr == nil) != goOK {
				differ = fmt.Sprintf("profile %q: CLI has it %v, Go SDK %v", name, cliErr == nil, goOK)
				break
			}
			if !goOK {
				continue
			}
			for _, k := range keys {
				v, _ := prof.Get(k)
				if v.Text != goVals[k] {
					differ = fmt.Sprintf("profile %q: %s is %q for the CLI, %q for the Go SDK", name, k, v.Text, goVals[k])
				}
			}
		}
		switch {
		case differ != "" && len(diffs) == 0:
			t.Errorf("%s, and SDKDifferences names no line\n%s", differ, b.String())
		case differ != "":
			flagged++
		case len(diffs) == 0:
			agreed++
		}
	}
	t.Logf("%d files read differently and flagged, %d read alike with nothing flagged", flagged, agreed)
	if flagged == 0 || agreed == 0 {
		t.Errorf("the generator tests only one side")
	}
}

func TestSDKDifferencesSays(t *testing.T) {
	set := writeSet(t, "[ profile dev ]\nregion = us-east-1 # prod\n[profile ops]\nrole_arn = \"arn:aws:iam::1:role/x\"\n", "")
	got := set.SDKDifferences()
	want := []struct {
		line            int
		cli, goSDK, fix string
	}{
		{1, `no profile`, `profile "dev"`, "write [profile dev]"},
		{2, `region = "us-east-1 # prod"`, `region = "us-east-1"`, "put the comment on a line of its own"},
		{4, `role_arn = "\"arn:aws:iam::1:role/x\""`, `role_arn = "arn:aws:iam::1:role/x"`, "remove the quotes"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || g.CLI != w.cli || g.GoSDK != w.goSDK || g.Fix != w.fix || g.File != set.Paths().Config {
			t.Errorf("difference %d = %+v, want %+v", i, g, w)
		}
	}
}
