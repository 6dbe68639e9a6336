package sts

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
)

// reply is one canned HTTP answer of a fake STS endpoint.
type reply struct {
	status int
	code   string // empty: a successful GetCallerIdentity
	msg    string
}

// identityResult is a successful GetCallerIdentity's result.
const identityResult = `<Arn>arn:aws:iam::111122223333:user/fake</Arn><UserId>AIDAFAKE</UserId><Account>111122223333</Account>`

// requestCount counts a fake's requests.
type requestCount struct{ f *awstest.Fake }

func (c requestCount) Load() int32 { return int32(len(c.f.Requests())) }

// fakeSTS answers GetCallerIdentity with replies in order, repeating the
// last, and counts the requests it got.
func fakeSTS(t *testing.T, replies ...reply) (endpoint string, requests requestCount) {
	t.Helper()
	f := awstest.NewFake(t)
	f.Handle("GetCallerIdentity", func(_ awstest.Request, n int) awstest.Reply {
		rep := replies[min(n, len(replies))-1]
		if rep.code == "" {
			return awstest.Result(identityResult)
		}
		return awstest.Error(rep.status, rep.code, rep.msg)
	})
	return f.URL, requestCount{f}
}

func fastConfig(endpoint string) ClientConfig {
	return ClientConfig{Region: "us-east-1", STSEndpoint: endpoint, MaxBackoff: 5 * time.Millisecond, Timeout: 5 * time.Second}
}

var testKey = StaticKey{AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ", SecretAccessKey: "fake-secret"}

func TestRetriesAndErrorTypes(t *testing.T) {
	var (
		ok        = reply{}
		throttle  = reply{400, "Throttling", "Rate exceeded"}
		tooMany   = reply{429, "ThrottlingException", "Too many requests"}
		internal  = reply{500, "InternalFailure", "oops"}
		denied    = reply{403, "AccessDenied", "User: arn:aws:iam::111122223333:user/fake is not authorized to perform: sts:GetCallerIdentity"}
		expired   = reply{403, "ExpiredToken", "The security token included in the request is expired"}
		reqExpiry = reply{400, "RequestExpired", "Request has expired."}
		sigExpiry = reply{403, "SignatureDoesNotMatch", "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z"}
		invalid   = reply{403, "InvalidClientTokenId", "The security token included in the request is invalid."}
		other     = reply{400, "ValidationError", "bad input"}
	)
	tests := []struct {
		name     string
		replies  []reply
		attempts int32
		check    func(t *testing.T, err error)
	}{
		{"throttled twice then ok", []reply{throttle, throttle, ok}, 3, wantNoError},
		{"429 then ok", []reply{tooMany, ok}, 2, wantNoError},
		{"500 then ok", []reply{internal, ok}, 2, wantNoError},
		{"always throttled", []reply{throttle}, 3, func(t *testing.T, err error) {
			e := wantAs[*ThrottledError](t, err)
			if e.Attempts != 3 || e.Code != "Throttling" || e.Operation != "sts:GetCallerIdentity" {
				t.Errorf("ThrottledError = %+v, want 3 attempts of Throttling", e)
			}
		}},
		{"always 500", []reply{internal}, 3, func(t *testing.T, err error) {
			e := wantAs[*APIError](t, err)
			if e.Code != "InternalFailure" || e.HTTPStatus != 500 || e.RequestID != "req-3" {
				t.Errorf("APIError = %+v", e)
			}
		}},
		{"access denied", []reply{denied}, 1, func(t *testing.T, err error) {
			e := wantAs[*AccessDeniedError](t, err)
			if e.Message != denied.msg {
				t.Errorf("Message = %q", e.Message)
			}
		}},
		{"expired token", []reply{expired}, 1, func(t *testing.T, err error) { wantAs[*ExpiredTokenError](t, err) }},
		{"request expired", []reply{reqExpiry}, 1, func(t *testing.T, err error) {
			e := wantAs[*ClockSkewError](t, err)
			if e.Code != "RequestExpired" || e.ServerTime.IsZero() {
				t.Errorf("ClockSkewError = %+v, want code and the server's Date", e)
			}
			if skew, ok := e.Skew(); !ok || skew > time.Minute || skew < -time.Minute {
				t.Errorf("Skew() = %v, %v; want about 0", skew, ok)
			}
		}},
		{"signature expired", []reply{sigExpiry}, 1, func(t *testing.T, err error) { wantAs[*ClockSkewError](t, err) }},
		{"invalid token", []reply{invalid}, 1, func(t *testing.T, err error) {
			e := wantAs[*RejectedKeyError](t, err)
			if e.KeyID != testKey.AccessKeyID || e.WrongSecret() {
				t.Errorf("RejectedKeyError = %+v", e)
			}
		}},
		{"other API error", []reply{other}, 1, func(t *testing.T, err error) {
			e := wantAs[*APIError](t, err)
			if e.Code != "ValidationError" || e.Message != "bad input" || e.HTTPStatus != 400 {
				t.Errorf("APIError = %+v", e)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			endpoint, requests := fakeSTS(t, tt.replies...)
			id, err := GetCallerIdentity(context.Background(), fastConfig(endpoint), testKey)
			tt.check(t, err)
			if err == nil && id.ARN != "arn:aws:iam::111122223333:user/fake" {
				t.Errorf("identity = %+v", id)
			}
			if got := requests.Load(); got != tt.attempts {
				t.Errorf("server got %d requests, want %d", got, tt.attempts)
			}
		})
	}
}

func wantNoError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("err = %v, want success", err)
	}
}

func wantAs[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("err = %v (%T), want %T", err, err, target)
	}
	if errors.Unwrap(target) == nil {
		t.Errorf("%T does not unwrap to the SDK error", target)
	}
	return target
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	// A port that was just free: connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()

	start := time.Now()
	_, err = GetCallerIdentity(context.Background(), ClientConfig{STSEndpoint: endpoint}, testKey)
	elapsed := time.Since(start)
	e := wantAs[*UnreachableError](t, err)
	if e.Endpoint != endpoint || e.TimedOut || e.Operation != "sts:GetCallerIdentity" {
		t.Errorf("UnreachableError = %+v, want endpoint %s, not timed out", e, endpoint)
	}
	if !strings.Contains(e.Error(), endpoint) {
		t.Errorf("message %q does not name %s", e.Error(), endpoint)
	}
	if elapsed > 5*time.Second {
		t.Errorf("took %v to give up, want a few seconds at most", elapsed)
	}
}

func TestSlowEndpointTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })

	start := time.Now()
	_, err := GetCallerIdentity(context.Background(), ClientConfig{STSEndpoint: srv.URL, Timeout: 300 * time.Millisecond}, testKey)
	elapsed := time.Since(start)
	e := wantAs[*UnreachableError](t, err)
	if !e.TimedOut || e.Endpoint != srv.URL {
		t.Errorf("UnreachableError = %+v, want TimedOut at %s", e, srv.URL)
	}
	if elapsed > 2*time.Second {
		t.Errorf("took %v, want about the 300ms limit", elapsed)
	}
}

func TestCallerCancellationIsNotUnreachable(t *testing.T) {
	t.Parallel()
	endpoint, _ := fakeSTS(t, reply{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := GetCallerIdentity(ctx, fastConfig(endpoint), testKey)
	var unreachable *UnreachableError
	if !errors.Is(err, context.Canceled) || errors.As(err, &unreachable) {
		t.Errorf("err = %v (%T), want context.Canceled and no UnreachableError", err, err)
	}
}

func TestIncompleteKeyMakesNoCall(t *testing.T) {
	t.Parallel()
	endpoint, requests := fakeSTS(t, reply{})
	for _, key := range []StaticKey{{SecretAccessKey: "s"}, {AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ"}} {
		if _, err := GetCallerIdentity(context.Background(), fastConfig(endpoint), key); !errors.Is(err, ErrIncompleteKey) {
			t.Errorf("key %+v: err = %v, want ErrIncompleteKey", key, err)
		}
		if _, err := KeyCreated(context.Background(), fastConfig(endpoint), key, "u"); !errors.Is(err, ErrIncompleteKey) {
			t.Errorf("key %+v: KeyCreated err = %v, want ErrIncompleteKey", key, err)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}
