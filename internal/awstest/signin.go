package awstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SigninFake is a loopback stand-in for the AWS federation endpoint
// (https://signin.aws.amazon.com/federation, Action=getSigninToken). It
// checks the Session JSON against credentials moto issued and refuses what
// AWS refuses, with AWS's HTTP 400:
//
//   - a Session that is not exactly {sessionId, sessionKey, sessionToken};
//   - credentials moto does not accept (GetCallerIdentity fails);
//   - a GetSessionToken session (its caller is an IAM user);
//   - SessionDuration outside 900..43200, on federated-user credentials, or
//     on a role session that was chained: assumed with temporary (ASIA)
//     credentials, as the moto recorder shows (so the test must record).
//
// Accepted requests get a random SigninToken, which the test can find in
// the login URL.
type SigninFake struct {
	URL  string // the .../federation endpoint, for AWSKEEP_SIGNIN_ENDPOINT
	moto *Moto

	mu    sync.Mutex
	calls []SigninCall
}

// SigninCall is one getSigninToken request and what the fake made of it.
type SigninCall struct {
	Kind            string // "role", "federated", "user-session", "invalid"
	Arn             string
	AccessKeyID     string
	SessionDuration string // as sent; "" when absent
	Chained         bool
	Refused         string // why it was refused; "" when accepted
	SigninToken     string
}

// StartSignin starts the fake for t, beside m.
func (m *Moto) StartSignin(t testing.TB) *SigninFake {
	t.Helper()
	f := &SigninFake{moto: m}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/federation"
	return f
}

// Calls returns the getSigninToken requests so far.
func (f *SigninFake) Calls() []SigninCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SigninCall(nil), f.calls...)
}

func (f *SigninFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := f.check(r)
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	if call.Refused != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<html><head><title>Invalid credentials parameter</title></head><body>%s</body></html>", call.Refused)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"SigninToken": call.SigninToken})
}

func (f *SigninFake) check(r *http.Request) SigninCall {
	q := r.URL.Query()
	call := SigninCall{Kind: "invalid", SessionDuration: q.Get("SessionDuration")}
	if r.Method != http.MethodGet || q.Get("Action") != "getSigninToken" {
		call.Refused = "only GET Action=getSigninToken is served"
		return call
	}
	var session map[string]any
	if err := json.Unmarshal([]byte(q.Get("Session")), &session); err != nil || len(session) != 3 {
		call.Refused = "Session is not a JSON object of three fields"
		return call
	}
	str := func(k string) string { s, _ := session[k].(string); return s }
	id, secret, token := str("sessionId"), str("sessionKey"), str("sessionToken")
	if id == "" || secret == "" || token == "" {
		call.Refused = "Session needs sessionId, sessionKey and sessionToken"
		return call
	}
	call.AccessKeyID = id
	out, err := f.moto.STS(Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		call.Refused = "the credentials are not valid: " + err.Error()
		return call
	}
	call.Arn = *out.Arn
	resource := call.Arn[strings.LastIndex(call.Arn, ":")+1:]
	switch {
	case strings.HasPrefix(resource, "assumed-role/"):
		call.Kind = "role"
	case strings.HasPrefix(resource, "federated-user/"):
		call.Kind = "federated"
	default:
		call.Kind = "user-session"
		call.Refused = "a GetSessionToken session cannot sign in to the console"
		return call
	}
	if call.Kind == "role" {
		chained, err := f.chained(resource)
		if err != nil {
			call.Refused = err.Error()
			return call
		}
		call.Chained = chained
	}
	if d := call.SessionDuration; d != "" {
		n, err := strconv.Atoi(d)
		switch {
		case err != nil || n < 900 || n > 43200:
			call.Refused = "SessionDuration must be 900 to 43200"
		case call.Kind == "federated":
			call.Refused = "SessionDuration is not allowed with GetFederationToken credentials"
		case call.Chained:
			call.Refused = "You can't specify the SessionDuration when we do RoleChaining"
		}
		if call.Refused != "" {
			return call
		}
	}
	b := make([]byte, 32)
	rand.Read(b)
	call.SigninToken = "fake-signin-" + hex.EncodeToString(b)
	return call
}

// chained tells from the recording whether the AssumeRole that made the
// session assumed-role/ROLE/SESSION was signed with temporary credentials.
func (f *SigninFake) chained(resource string) (bool, error) {
	parts := strings.Split(resource, "/")
	if len(parts) < 3 {
		return false, fmt.Errorf("unexpected role session %s", resource)
	}
	role, name := parts[1], parts[2]
	req, err := http.NewRequest(http.MethodGet, f.moto.Endpoint+"/moto-api/recorder/download-recording", nil)
	if err != nil {
		return false, err
	}
	var body []byte
	if err := f.moto.do(req, &body); err != nil {
		return false, err
	}
	reqs, err := parseRecording(body)
	if err != nil {
		return false, err
	}
	found, chained := false, false
	for _, r := range reqs {
		if r.Action == "AssumeRole" && strings.HasSuffix(r.Params.Get("RoleArn"), ":role/"+role) && r.Params.Get("RoleSessionName") == name {
			found, chained = true, strings.HasPrefix(r.AccessKeyID, "ASIA")
		}
	}
	if !found {
		return false, fmt.Errorf("signin fake: no recorded AssumeRole for %s (start moto's recording before the role is assumed)", resource)
	}
	return chained, nil
}
