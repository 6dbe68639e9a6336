package cmd

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/vault"
)

// fakeSTS answers GetSessionToken and AssumeRole (on awstest.Fake), and can
// refuse the cached MFA session as expired, as AWS does when a token dies early.
type fakeSTS struct {
	mu            sync.Mutex
	now           func() time.Time
	calls         []string // "Action by KEYID"
	sessions      int
	expireSession string // AssumeRole signed by this key id gets ExpiredToken
}

// start serves s on an awstest.Fake and returns its URL.
func (s *fakeSTS) start(t *testing.T) string {
	f := awstest.NewFake(t)
	answer := func(r awstest.Request, _ int) awstest.Reply {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls = append(s.calls, r.Action+" by "+r.AccessKeyID)
		switch {
		case r.Action == "AssumeRole" && r.AccessKeyID == s.expireSession:
			return awstest.Error(400, "ExpiredToken", "The security token included in the request is expired")
		case r.Action == "GetSessionToken":
			s.sessions++
			id := fmt.Sprintf("ASIASESSION%09d", s.sessions)
			return awstest.Result(awstest.CredentialsXML(id, "secret-"+id, "token-"+id, s.now().Add(12*time.Hour)))
		default:
			id := fmt.Sprintf("ASIAROLE%012d", len(s.calls))
			return awstest.Result(awstest.CredentialsXML(id, "secret-"+id, "token-"+id, s.now().Add(time.Hour)) +
				"<AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>")
		}
	}
	f.Handle("GetSessionToken", answer)
	f.Handle("AssumeRole", answer)
	return f.URL
}

// TestExpiredCachedSessionIsReplacedSilently: when AWS refuses a cached MFA
// session as expired, awskeep drops it, gets a new one and succeeds.
func TestExpiredCachedSessionIsReplacedSilently(t *testing.T) {
	te := newTestEnv(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	te.f.Now = func() time.Time { return now }
	fake := &fakeSTS{now: te.f.Now}
	te.env["AWS_ENDPOINT_URL"] = fake.start(t)
	te.writeFile(t, ".aws/config", "[profile base]\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n[profile role]\nsource_profile = base\nrole_arn = arn:aws:iam::111111111111:role/r\n")
	store, err := te.f.Vault()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutKey(vault.Key{Profile: "base", AccessKeyID: "AKIABASEKEY000000001", SecretAccessKey: "base-secret-0000000000000000000000000000", CreatedAt: now, AddedAt: now}); err != nil {
		t.Fatal(err)
	}
	te.f.resetVault()

	if code := te.run("export", "role", "--mfa-token", "123456"); code != 0 {
		t.Fatalf("first export: exit %d: %s", code, te.stderr)
	}
	// 50 minutes on, the 1 h role session is due; the 12 h MFA session is
	// cached, but AWS now says it has expired.
	now = now.Add(50 * time.Minute)
	fake.expireSession = "ASIASESSION000000001"
	code := te.run("export", "role", "--mfa-token", "123456")
	if code != 0 {
		t.Fatalf("export after the session expired: exit %d: %s", code, te.stderr)
	}
	if te.stderr.Len() != 0 {
		t.Errorf("the retry was not silent: %s", te.stderr)
	}
	want := []string{
		"GetSessionToken by AKIABASEKEY000000001",
		"AssumeRole by ASIASESSION000000001",
		"AssumeRole by ASIASESSION000000001", // refused: expired
		"GetSessionToken by AKIABASEKEY000000001",
		"AssumeRole by ASIASESSION000000002",
	}
	if got := strings.Join(fake.calls, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("STS calls:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	mustContain(t, "export", te.stdout.String(), "AWS_SESSION_TOKEN='token-ASIAROLE")
}

// TestMidChainStoredKeyEndsTheChain: a → b → c with a key stored for b
// uses b's key, as the AWS SDKs use b's own credentials (it failed with
// "no key is stored for c").
func TestMidChainStoredKeyEndsTheChain(t *testing.T) {
	te := newTestEnv(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	te.f.Now = func() time.Time { return now }
	fake := &fakeSTS{now: te.f.Now}
	te.env["AWS_ENDPOINT_URL"] = fake.start(t)
	te.writeFile(t, ".aws/config", "[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::111111111111:role/a\n"+
		"[profile b]\nsource_profile = c\nrole_arn = arn:aws:iam::111111111111:role/b\n[profile c]\n")
	storeKey(t, te, vault.Key{Profile: "b", AccessKeyID: "AKIABBBBBBBBBBBBBBB2", SecretAccessKey: "b-secret-000000000000000000000000000000", CreatedAt: now, AddedAt: now})
	te.f.resetVault()
	if code := te.run("export", "a"); code != 0 {
		t.Fatalf("export a: exit %d: %s", code, te.stderr)
	}
	if got, want := strings.Join(fake.calls, "\n"), "AssumeRole by AKIABBBBBBBBBBBBBBB2"; got != want {
		t.Errorf("STS calls:\n%s\nwant:\n%s", got, want)
	}
}
