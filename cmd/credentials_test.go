package cmd

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// fakeSTS answers GetSessionToken and AssumeRole, and can refuse the cached
// MFA session as expired, as AWS does when a token dies early.
type fakeSTS struct {
	mu            sync.Mutex
	now           func() time.Time
	calls         []string // "Action by KEYID"
	sessions      int
	expireSession string // AssumeRole signed by this key id gets ExpiredToken
}

func (s *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	auth := r.Header.Get("Authorization")
	signer := auth[strings.Index(auth, "Credential=")+len("Credential="):]
	signer = signer[:strings.Index(signer, "/")]
	s.mu.Lock()
	defer s.mu.Unlock()
	action := r.Form.Get("Action")
	s.calls = append(s.calls, action+" by "+signer)
	creds := func(id string, d time.Duration) string {
		return fmt.Sprintf("<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>secret-%s</SecretAccessKey><SessionToken>token-%s</SessionToken><Expiration>%s</Expiration></Credentials>",
			id, id, id, s.now().Add(d).UTC().Format(time.RFC3339))
	}
	switch {
	case action == "AssumeRole" && signer == s.expireSession:
		w.WriteHeader(400)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
	case action == "GetSessionToken":
		s.sessions++
		fmt.Fprintf(w, `<GetSessionTokenResponse><GetSessionTokenResult>%s</GetSessionTokenResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSessionTokenResponse>`,
			creds(fmt.Sprintf("ASIASESSION%09d", s.sessions), 12*time.Hour))
	case action == "AssumeRole":
		fmt.Fprintf(w, `<AssumeRoleResponse><AssumeRoleResult>%s<AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			creds(fmt.Sprintf("ASIAROLE%012d", len(s.calls)), time.Hour))
	default:
		w.WriteHeader(400)
	}
}

// TestExpiredCachedSessionIsReplacedSilently: when AWS refuses a cached MFA
// session as expired, awskeep drops it, gets a new one and succeeds.
func TestExpiredCachedSessionIsReplacedSilently(t *testing.T) {
	te := newTestEnv(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	te.f.Now = func() time.Time { return now }
	fake := &fakeSTS{now: te.f.Now}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	te.env["AWS_ENDPOINT_URL"] = srv.URL
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
	srv := httptest.NewServer(fake)
	defer srv.Close()
	te.env["AWS_ENDPOINT_URL"] = srv.URL
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
