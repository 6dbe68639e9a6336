package awstest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fake is a loopback endpoint of the AWS query protocol (STS and IAM) for
// what moto cannot show: canned errors, slow answers, keys IAM has not
// propagated yet. Register a Responder per action; every request is
// recorded with its action, parameters and the key that signed it. An
// action with no responder answers InvalidAction (400).
type Fake struct {
	URL string
	// Delay is slept before each answer (parallel callers pile up on it).
	Delay time.Duration

	mu         sync.Mutex
	responders map[string]Responder
	requests   []Request
}

// Responder answers one request; n is its 1-based number among all the
// fake's requests.
type Responder func(r Request, n int) Reply

// Reply is one answer: a result (the XML inside <ActionResult>) or an error.
type Reply struct {
	Status  int    // 0 means 200
	Result  string // for a success
	Code    string // for an error: the AWS error code
	Message string
}

// Result is a successful Reply carrying result XML.
func Result(xml string) Reply { return Reply{Result: xml} }

// Error is an error Reply, as AWS answers one.
func Error(status int, code, message string) Reply {
	return Reply{Status: status, Code: code, Message: message}
}

// CredentialsXML is the <Credentials> element of GetSessionToken and
// AssumeRole answers.
func CredentialsXML(keyID, secret, token string, expiration time.Time) string {
	return fmt.Sprintf("<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>",
		keyID, secret, token, expiration.UTC().Format(time.RFC3339))
}

// NewFake starts a Fake that stops when the test ends.
func NewFake(t testing.TB) *Fake {
	t.Helper()
	f := &Fake{responders: map[string]Responder{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Handle makes resp the answer to action, replacing any before.
func (f *Fake) Handle(action string, resp Responder) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.responders[action] = resp
}

// Requests returns every request so far, in order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Actions lists the actions of the requests so far, in order.
func (f *Fake) Actions() []string {
	var out []string
	for _, r := range f.Requests() {
		out = append(out, r.Action)
	}
	return out
}

// Of returns the requests for action.
func (f *Fake) Of(action string) []Request {
	var out []Request
	for _, r := range f.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// stsActions are answered in STS's namespace, the rest in IAM's.
var stsActions = map[string]bool{"GetCallerIdentity": true, "GetSessionToken": true, "AssumeRole": true,
	"GetFederationToken": true, "AssumeRoleWithWebIdentity": true, "GetAccessKeyInfo": true}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := Request{Action: r.Form.Get("Action"), Params: r.Form, AccessKeyID: signingKeyID(r.Header.Get("Authorization")),
		Method: r.Method, URL: r.URL.String()}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	n := len(f.requests)
	resp := f.responders[req.Action]
	delay := f.Delay
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	reply := Error(http.StatusBadRequest, "InvalidAction", "the fake has no answer for "+req.Action)
	if resp != nil {
		reply = resp(req, n)
	}
	requestID := fmt.Sprintf("req-%d", n)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", requestID)
	if reply.Code != "" {
		status := reply.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			reply.Code, xmlEscape(reply.Message), requestID)
		return
	}
	if reply.Status != 0 {
		w.WriteHeader(reply.Status)
	}
	ns := "https://iam.amazonaws.com/doc/2010-05-08/"
	if stsActions[req.Action] {
		ns = "https://sts.amazonaws.com/doc/2011-06-15/"
	}
	fmt.Fprintf(w, `<%[1]sResponse xmlns="%[2]s"><%[1]sResult>%[3]s</%[1]sResult><ResponseMetadata><RequestId>%[4]s</RequestId></ResponseMetadata></%[1]sResponse>`,
		req.Action, ns, reply.Result, requestID)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
