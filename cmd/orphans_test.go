package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/awskeep/awskeep/vault"
)

// A key stored for a profile that is no longer in the config is reported by
// doctor and list, in text and JSON, with the fix.
func TestKeyWithoutProfileReported(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile work]\nregion = eu-west-1\n")
	now := te.f.Now()
	storeKey(t, te, vault.Key{Profile: "work", AccessKeyID: "AKIAWORKWORKWORK0001", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	storeKey(t, te, vault.Key{Profile: "gone", AccessKeyID: "AKIAGONEGONEGONE0002", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	te.f.resetVault()
	fixes := []string{"awskeep remove gone", "awskeep profile set gone region="}

	aws := &slowAWS{identityCalls: map[string]int{}}
	err := runDoctor(context.Background(), aws.options(te))
	var exit *exitCodeError
	if !errors.As(err, &exit) || exit.code != exitFailure {
		t.Errorf("doctor returned %v, want exit 1", err)
	}
	mustContain(t, "doctor", te.stdout.String(), append([]string{"Stored keys without a profile", "AKIA…0002", "profile gone, which is not in the AWS config files"}, fixes...)...)
	if aws.identityCalls["AKIAGONEGONEGONE0002"] != 0 {
		t.Errorf("doctor asked AWS about the key of a profile that does not exist")
	}

	te.stdout.Reset()
	te.f.resetVault()
	opts := aws.options(te)
	opts.JSON = true
	_ = runDoctor(context.Background(), opts)
	var report struct {
		Keys []struct {
			Profile string   `json:"profile"`
			Key     string   `json:"key"`
			Hints   []string `json:"hints"`
		} `json:"keys_without_profile"`
		Problems int `json:"problems"`
	}
	if err := json.Unmarshal(te.stdout.Bytes(), &report); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, te.stdout)
	}
	if len(report.Keys) != 1 || report.Keys[0].Profile != "gone" || report.Keys[0].Key != "AKIA…0002" || report.Problems == 0 {
		t.Errorf("doctor --json keys_without_profile = %+v, problems %d", report.Keys, report.Problems)
	} else {
		mustContain(t, "doctor --json hints", report.Keys[0].Hints[0]+report.Keys[0].Hints[1], fixes...)
	}

	// Named, doctor reports it rather than saying the profile does not exist.
	te.stdout.Reset()
	te.f.resetVault()
	opts = aws.options(te)
	opts.Profile = "gone"
	if err := runDoctor(context.Background(), opts); !errors.As(err, &exit) || exit.code != exitFailure {
		t.Errorf("doctor gone returned %v, want exit 1", err)
	}
	mustContain(t, "doctor gone", te.stdout.String(), fixes...)

	if code := te.run("list"); code != 0 {
		t.Fatalf("list: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "list stderr", te.stderr.String(), append([]string{"warning: a key (AKIA…0002) is stored for profile gone"}, fixes...)...)
	if code := te.run("list", "--json"); code != 0 {
		t.Fatalf("list --json: exit %d\n%s", code, te.stderr)
	}
	var rows []struct {
		Profile  string   `json:"profile"`
		InConfig bool     `json:"in_config"`
		Hints    []string `json:"hints"`
	}
	if err := json.Unmarshal(te.stdout.Bytes(), &rows); err != nil {
		t.Fatalf("list --json: %v\n%s", err, te.stdout)
	}
	for _, r := range rows {
		switch {
		case r.Profile == "gone" && (r.InConfig || len(r.Hints) < 2):
			t.Errorf("list --json row gone = %+v, want in_config false with the fix", r)
		case r.Profile == "gone":
			mustContain(t, "list --json hints", r.Hints[0]+r.Hints[1], fixes...)
		case r.Profile == "work" && len(r.Hints) != 0:
			t.Errorf("list --json row work has hints %q", r.Hints)
		}
	}
}
