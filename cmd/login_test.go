package cmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/awskeep/awskeep/vault"
)

// TestLoginPartitionsAndRegions: the console region and partition come
// from --region (else the profile's region); the STS region follows it.
// Against a fake STS (any region) and a fake federation endpoint.
func TestLoginPartitionsAndRegions(t *testing.T) {
	te := newTestEnv(t)
	now := te.f.Now()
	sts := &fakeSTS{now: te.f.Now}
	stsURL := sts.start(t)
	var mu sync.Mutex
	var sessions []url.Values
	fed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sessions = append(sessions, r.URL.Query())
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]string{"SigninToken": "tok"})
	}))
	defer fed.Close()
	te.env["AWS_ENDPOINT_URL"] = stsURL
	te.env["AWSKEEP_SIGNIN_ENDPOINT"] = fed.URL
	te.writeFile(t, ".aws/config", "[profile base]\n[profile role]\nsource_profile = base\nrole_arn = arn:aws:iam::111111111111:role/r\nregion = eu-central-1\n")
	store, err := te.f.Vault()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutKey(vault.Key{Profile: "base", AccessKeyID: "AKIABASEKEY000000001", SecretAccessKey: "base-secret-0000000000000000000000000000", CreatedAt: now, AddedAt: now}); err != nil {
		t.Fatal(err)
	}
	te.f.resetVault()
	cases := []struct {
		args        []string
		destination string
	}{
		{nil, "https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1"},
		{[]string{"--region", "us-gov-west-1"}, "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{[]string{"--region", "cn-north-1", "--service", "ec2"}, "https://console.amazonaws.cn/ec2/home?region=cn-north-1"},
		{[]string{"--region", "eusc-de-east-1"}, "https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1"},
		{[]string{"--destination", "https://console.aws.amazon.com/iam/home"}, "https://console.aws.amazon.com/iam/home"},
	}
	for _, tc := range cases {
		if code := te.run(append([]string{"login", "role", "--stdout", "--refresh"}, tc.args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, te.stderr)
		}
		u, err := url.Parse(strings.TrimSpace(te.stdout.String()))
		if err != nil {
			t.Fatal(err)
		}
		if d := u.Query().Get("Destination"); d != tc.destination {
			t.Errorf("%v: Destination %q, want %q", tc.args, d, tc.destination)
		}
		if u.Query().Get("SigninToken") != "tok" || u.Query().Get("Action") != "login" {
			t.Errorf("%v: URL %s", tc.args, u)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, q := range sessions {
		var s map[string]string
		if err := json.Unmarshal([]byte(q.Get("Session")), &s); err != nil || len(s) != 3 || !strings.HasPrefix(s["sessionId"], "ASIAROLE") {
			t.Errorf("Session %q", q.Get("Session"))
		}
	}
	if code := te.run("login", "role", "--service", "s3", "--path", "x"); code != exitUsage {
		t.Errorf("--service with --path: exit %d", code)
	}
}
