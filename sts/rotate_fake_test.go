package sts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// fakeIAM is the STS and IAM calls of a rotation on awstest.Fake, for what
// moto cannot show: moto's GetSessionToken credentials are refused under
// auth, and moto accepts a new key at once.
type fakeIAM struct {
	mu   sync.Mutex
	keys []string // the user's access keys
	// rejectNew is how many GetCallerIdentity calls with a key created
	// here are refused before it is accepted (IAM propagating).
	rejectNew int
	created   map[string]bool
	next      int
	fake      *awstest.Fake
}

type fakeCall struct{ action, signer, serial, code string }

const (
	fakeOldKey     = "AKIAFAKEOLDOLDOLD001"
	fakeSessionKey = "ASIAFAKESESSION00001"
)

func newFakeIAM(t *testing.T, f *fakeIAM) string {
	t.Helper()
	f.created = map[string]bool{}
	f.fake = awstest.NewFake(t)
	f.fake.Handle("GetCallerIdentity", func(r awstest.Request, _ int) awstest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.created[r.AccessKeyID] && f.rejectNew > 0 {
			f.rejectNew--
			return awstest.Error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return awstest.Result(identityResult)
	})
	f.fake.Handle("GetSessionToken", func(awstest.Request, int) awstest.Reply {
		return awstest.Result(awstest.CredentialsXML(fakeSessionKey, "session-secret", "session-token", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)))
	})
	f.fake.Handle("ListAccessKeys", func(awstest.Request, int) awstest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		members := ""
		for _, k := range f.keys {
			members += fmt.Sprintf(`<member><UserName>fake</UserName><AccessKeyId>%s</AccessKeyId><Status>Active</Status><CreateDate>%s</CreateDate></member>`,
				k, time.Now().UTC().Format(time.RFC3339))
		}
		return awstest.Result(`<AccessKeyMetadata>` + members + `</AccessKeyMetadata><IsTruncated>false</IsTruncated>`)
	})
	f.fake.Handle("CreateAccessKey", func(awstest.Request, int) awstest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.next++
		id := fmt.Sprintf("AKIAFAKENEWNEWNEW%03d", f.next)
		f.keys = append(f.keys, id)
		f.created[id] = true
		return awstest.Result(fmt.Sprintf(`<AccessKey><UserName>fake</UserName><AccessKeyId>%s</AccessKeyId><Status>Active</Status><SecretAccessKey>new-secret</SecretAccessKey><CreateDate>%s</CreateDate></AccessKey>`,
			id, time.Now().UTC().Format(time.RFC3339)))
	})
	f.fake.Handle("DeleteAccessKey", func(r awstest.Request, _ int) awstest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.keys = slices.DeleteFunc(f.keys, func(k string) bool { return k == r.Params.Get("AccessKeyId") })
		return awstest.Result("")
	})
	return f.fake.URL
}

func (f *fakeIAM) callsOf(action string) []fakeCall {
	var out []fakeCall
	for _, r := range f.fake.Of(action) {
		out = append(out, fakeCall{r.Action, r.AccessKeyID, r.Params.Get("SerialNumber"), r.Params.Get("TokenCode")})
	}
	return out
}

func fakeRotator(endpoint string) (*Rotator, *memStore) {
	store := newMemStore(vault.Key{Profile: "work", AccessKeyID: fakeOldKey, SecretAccessKey: "old-secret"})
	cfg := fastConfig(endpoint)
	cfg.IAMEndpoint = endpoint
	return &Rotator{Store: store, Config: cfg, Hop: profiles.Hop{Profile: "work"},
		VerifyTimeout: 5 * time.Second, VerifyDelay: time.Millisecond}, store
}

// With mfa_serial, one GetSessionToken with the code signs every IAM call;
// the code is asked for once.
func TestRotateWithMFAAsksOnce(t *testing.T) {
	fake := &fakeIAM{keys: []string{fakeOldKey}}
	r, store := fakeRotator(newFakeIAM(t, fake))
	r.Hop.MFASerial = "arn:aws:iam::111122223333:mfa/fake"
	asked := 0
	r.MFA = func(_ context.Context, hop profiles.Hop) (string, error) {
		asked++
		if hop.MFASerial != r.Hop.MFASerial {
			t.Errorf("asked for a code for %q", hop.MFASerial)
		}
		return "123456\n", nil
	}
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if asked != 1 {
		t.Errorf("MFA code asked %d times, want 1", asked)
	}
	sessions := fake.callsOf("GetSessionToken")
	if len(sessions) != 1 || sessions[0].signer != fakeOldKey || sessions[0].serial != r.Hop.MFASerial || sessions[0].code != "123456" {
		t.Errorf("GetSessionToken calls = %+v, want one with the serial and code, signed by the old key", sessions)
	}
	for _, action := range []string{"ListAccessKeys", "CreateAccessKey", "DeleteAccessKey"} {
		calls := fake.callsOf(action)
		if len(calls) != 1 || calls[0].signer != fakeSessionKey {
			t.Errorf("%s calls = %+v, want one signed by the MFA session", action, calls)
		}
	}
	stored, _ := store.Key("work")
	if fake.keys[0] != stored.AccessKeyID || len(fake.keys) != 1 {
		t.Errorf("IAM keys %v, stored %s", fake.keys, stored.AccessKeyID)
	}
}

func TestRotateWithMFAButNoWayToAsk(t *testing.T) {
	fake := &fakeIAM{keys: []string{fakeOldKey}}
	r, _ := fakeRotator(newFakeIAM(t, fake))
	r.Hop.MFASerial = "arn:aws:iam::111122223333:mfa/fake"
	_, err := r.Rotate(context.Background())
	var noCode *NoMFACodeError
	if !errors.As(err, &noCode) || noCode.Serial != r.Hop.MFASerial {
		t.Fatalf("err = %v, want *NoMFACodeError", err)
	}
	if len(fake.callsOf("ListAccessKeys")) != 0 {
		t.Error("IAM was called without the MFA session")
	}
	// --mfa-token supplies the code without asking.
	r.MFAToken = "654321"
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls := fake.callsOf("GetSessionToken"); len(calls) != 1 || calls[0].code != "654321" {
		t.Errorf("GetSessionToken calls = %+v", calls)
	}
}

// Without MFA the old key creates, the new key deletes.
func TestRotateSignersWithoutMFA(t *testing.T) {
	fake := &fakeIAM{keys: []string{fakeOldKey}}
	r, store := fakeRotator(newFakeIAM(t, fake))
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	stored, _ := store.Key("work")
	if c := fake.callsOf("CreateAccessKey"); len(c) != 1 || c[0].signer != fakeOldKey {
		t.Errorf("CreateAccessKey calls = %+v, want signed by the old key", c)
	}
	if c := fake.callsOf("DeleteAccessKey"); len(c) != 1 || c[0].signer != stored.AccessKeyID {
		t.Errorf("DeleteAccessKey calls = %+v, want signed by the new key %s", c, stored.AccessKeyID)
	}
	if len(fake.callsOf("GetSessionToken")) != 0 {
		t.Error("a session was taken without mfa_serial")
	}
}

// fakeClock is a Rotator clock whose Sleep advances it at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.slept = c.now.Add(d), c.slept+d
	return ctx.Err()
}

func TestRotateWaitsForPropagation(t *testing.T) {
	tests := []struct {
		name      string
		rejectNew int
		timeout   time.Duration
		ok        bool
	}{
		{"accepted on the third try", 2, 5 * time.Second, true},
		{"never accepted in time", 1000, 30 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeIAM{keys: []string{fakeOldKey}, rejectNew: tt.rejectNew}
			r, store := fakeRotator(newFakeIAM(t, fake))
			clock := &fakeClock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
			r.Now, r.Sleep = clock.Now, clock.Sleep
			r.VerifyTimeout, r.VerifyDelay = tt.timeout, time.Second
			var verified RotateEvent
			r.OnEvent = func(ev RotateEvent) {
				if ev.Step == RotateVerified {
					verified = ev
				}
			}
			_, err := r.Rotate(context.Background())
			stored, _ := store.Key("work")
			if tt.ok {
				if err != nil || verified.Attempts != 3 || clock.slept != 3*time.Second {
					t.Fatalf("err = %v, verify attempts %d after %v of pauses; want success on attempt 3 after 1 s + 2 s", err, verified.Attempts, clock.slept)
				}
				return
			}
			var rotErr *RotateError
			var rejected *RejectedKeyError
			if !errors.As(err, &rotErr) || !errors.As(err, &rejected) || rotErr.Step != RotateStored {
				t.Fatalf("err = %v, want the rejection after step stored", err)
			}
			// 1+2+4+5+5+5+5 s of pauses fit in 30 s; one more would not.
			attempts := 0
			for _, c := range fake.callsOf("GetCallerIdentity") {
				if c.signer != fakeOldKey {
					attempts++
				}
			}
			if clock.slept > tt.timeout || clock.slept < tt.timeout-maxVerifyDelay || attempts != 8 {
				t.Errorf("gave up after %v of pauses and %d tries; want the last try within %v of the %v limit, 8 tries", clock.slept, attempts, maxVerifyDelay, tt.timeout)
			}
			if stored.AccessKeyID != fakeOldKey {
				t.Errorf("an unverified key was promoted: stored %s", stored.AccessKeyID)
			}
		})
	}
}
