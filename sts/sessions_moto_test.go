package sts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// Sessions against moto with authentication enforced: the credentials
// Retrieve returns must be accepted by AWS, not just look right.

const motoAccount = "123456789012"

func motoSessionProvider(t *testing.T, u awstest.User) *Provider {
	return &Provider{
		Cache:  openSessionStore(t, t.TempDir(), t.TempDir()),
		Key:    vault.Key{Profile: "base", AccessKeyID: u.Key.AccessKeyID, SecretAccessKey: vault.Secret(u.Key.SecretAccessKey), UserName: u.Name},
		Config: motoConfig(),
	}
}

// signedBy counts recorded requests of action signed with keyID.
func recordedSignedBy(reqs []awstest.Request, action, keyID string) []awstest.Request {
	var out []awstest.Request
	for _, r := range reqs {
		if r.Action == action && r.AccessKeyID == keyID {
			out = append(out, r)
		}
	}
	return out
}

func lastARNPart(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func callerARNOf(t *testing.T, creds Credentials) string {
	t.Helper()
	id, err := GetCallerIdentity(context.Background(), motoConfig(),
		StaticKey{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken})
	if err != nil {
		t.Fatalf("GetCallerIdentity with the returned credentials: %v", err)
	}
	return id.ARN
}

func TestMotoRoleCacheAndRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := moto.CreateUser(t, "sess")
	role := moto.CreateRole(t, "admin", u.ARN)
	p := motoSessionProvider(t, u)
	chain := chainOf(profiles.Hop{Profile: "base"}, profiles.Hop{Profile: "admin", RoleARN: role})
	moto.StartRecording(t)

	creds, err := p.Retrieve(ctx, chain, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::" + motoAccount + ":assumed-role/" + lastARNPart(role) + "/" + defaultSessionName(u.Name, "")
	if got := callerARNOf(t, creds); got != wantARN || creds.AssumedRoleARN != wantARN || creds.Source != SourceSTS {
		t.Errorf("caller %s, AssumedRoleARN %s, Source %s; want %s from sts", got, creds.AssumedRoleARN, creds.Source, wantARN)
	}

	again, err := p.Retrieve(ctx, chain, Options{})
	if err != nil || again.Source != SourceCache || again.AccessKeyID != creds.AccessKeyID {
		t.Fatalf("second Retrieve = %+v, %v; want the cached credentials", again, err)
	}
	if n := len(recordedSignedBy(moto.Recorded(t), "AssumeRole", u.Key.AccessKeyID)); n != 1 {
		t.Errorf("AssumeRole requests after a cache hit = %d, want 1", n)
	}

	fresh, err := p.Retrieve(ctx, chain, Options{Refresh: true})
	if err != nil || fresh.Source != SourceSTS || fresh.AccessKeyID == creds.AccessKeyID {
		t.Fatalf("--refresh = %+v, %v; want new credentials", fresh, err)
	}
	if got := callerARNOf(t, fresh); got != wantARN {
		t.Errorf("refreshed caller = %s", got)
	}
	if n := len(recordedSignedBy(moto.Recorded(t), "AssumeRole", u.Key.AccessKeyID)); n != 2 {
		t.Errorf("AssumeRole requests after --refresh = %d, want 2", n)
	}
}

func TestMotoExternalID(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, "ext")
	role := moto.CreateRole(t, "ext", u.ARN, awstest.WithExternalID("ext-9"))
	for _, tt := range []struct {
		externalID string
		ok         bool
	}{{"ext-9", true}, {"wrong", false}} {
		t.Run(tt.externalID, func(t *testing.T) {
			chain := chainOf(profiles.Hop{Profile: "base"}, profiles.Hop{Profile: "ext", RoleARN: role, ExternalID: tt.externalID})
			creds, err := motoSessionProvider(t, u).Retrieve(context.Background(), chain, Options{})
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				if got := callerARNOf(t, creds); !strings.Contains(got, ":assumed-role/"+lastARNPart(role)+"/") {
					t.Errorf("caller = %s", got)
				}
				return
			}
			var denied *AccessDeniedError
			if !errors.As(err, &denied) || denied.MFASent || denied.Operation != "sts:AssumeRole" {
				t.Errorf("err = %v, want *AccessDeniedError for sts:AssumeRole without MFA", err)
			}
		})
	}
}

func TestMotoRoleChain(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, "chain")
	first := moto.CreateRole(t, "first", u.ARN)
	second := moto.CreateRole(t, "second", "arn:aws:sts::"+motoAccount+":assumed-role/"+lastARNPart(first)+"/hop1")
	p := motoSessionProvider(t, u)
	chain := chainOf(profiles.Hop{Profile: "base"},
		profiles.Hop{Profile: "first", RoleARN: first, RoleSessionName: "hop1"},
		profiles.Hop{Profile: "second", RoleARN: second, RoleSessionName: "hop2"})
	creds, err := p.Retrieve(context.Background(), chain, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "arn:aws:sts::" + motoAccount + ":assumed-role/" + lastARNPart(second) + "/hop2"
	if got := callerARNOf(t, creds); got != want {
		t.Errorf("caller = %s, want %s", got, want)
	}
	// Both links are cached: the first role serves the second without a call.
	sessions, err := p.Cache.(*vault.Store).Sessions()
	if err != nil || len(sessions) != 2 {
		t.Errorf("cached sessions = %v, %v; want the two roles", sessions, err)
	}
}

func TestMotoNoSessionWithoutRole(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, "nosess")
	p := motoSessionProvider(t, u)
	moto.StartRecording(t)
	creds, err := p.Retrieve(context.Background(), chainOf(profiles.Hop{Profile: "base", MFASerial: "arn:aws:iam::123456789012:mfa/x"}), Options{NoSession: true})
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != u.Key.AccessKeyID || creds.SecretAccessKey.Reveal() != u.Key.SecretAccessKey || !creds.SessionToken.IsZero() ||
		creds.Source != SourceLongTermKey {
		t.Errorf("creds = %+v, want the long-term key", creds)
	}
	for _, r := range moto.Recorded(t) {
		if r.AccessKeyID == u.Key.AccessKeyID {
			t.Errorf("request %s made with the key, want none", r.Action)
		}
	}
}

func TestMotoSessionTokenWithMFA(t *testing.T) {
	t.Parallel()
	u, device := moto.CreateMFAUser(t, "gst")
	p := motoSessionProvider(t, u)
	code := device.Code()
	mfa := &countingMFA{code: code}
	p.MFA = mfa.get
	chain := chainOf(profiles.Hop{Profile: "base", MFASerial: device.Serial})
	moto.StartRecording(t)
	for range 2 {
		creds, err := p.Retrieve(context.Background(), chain, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The harness's moto mints real session credentials for the user.
		if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken.IsZero() || creds.Expiration.IsZero() {
			t.Errorf("creds = %+v", creds)
		}
		if got := callerARNOf(t, creds); got != u.ARN {
			t.Errorf("session caller = %s, want the user %s", got, u.ARN)
		}
	}
	calls := recordedSignedBy(moto.Recorded(t), "GetSessionToken", u.Key.AccessKeyID)
	if len(calls) != 1 {
		t.Fatalf("GetSessionToken requests = %d, want 1", len(calls))
	}
	if pr := calls[0].Params; pr.Get("SerialNumber") != device.Serial || pr.Get("TokenCode") != code || pr.Get("DurationSeconds") != "43200" {
		t.Errorf("GetSessionToken params = %v", pr)
	}
	if mfa.count() != 1 {
		t.Errorf("MFA code asked %d times, want 1", mfa.count())
	}
}

// Two roles on one MFA session, under auth: the session signs both
// AssumeRole calls and moto accepts it.
func TestMotoRolesOnOneMFASession(t *testing.T) {
	t.Parallel()
	u, device := moto.CreateMFAUser(t, "mfa-roles")
	moto.StartRecording(t)
	p := motoSessionProvider(t, u)
	mfa := &countingMFA{code: device.Code()}
	p.MFA = mfa.get
	base := profiles.Hop{Profile: "base", MFASerial: device.Serial}
	for _, name := range []string{"admin", "reader"} {
		role := moto.CreateRole(t, name, u.ARN)
		creds, err := p.Retrieve(context.Background(), chainOf(base, profiles.Hop{Profile: name, RoleARN: role}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(creds.AssumedRoleARN, ":assumed-role/"+lastARNPart(role)+"/") {
			t.Errorf("AssumedRoleARN = %s", creds.AssumedRoleARN)
		}
		if got := callerARNOf(t, creds); got != creds.AssumedRoleARN {
			t.Errorf("caller = %s, want %s", got, creds.AssumedRoleARN)
		}
	}
	reqs := moto.Recorded(t)
	gst := recordedSignedBy(reqs, "GetSessionToken", u.Key.AccessKeyID)
	if len(gst) != 1 || gst[0].Params.Get("SerialNumber") != device.Serial || gst[0].Params.Get("TokenCode") != mfa.code {
		t.Errorf("GetSessionToken requests = %+v, want one with the MFA code", gst)
	}
	sessions := moto.SessionsOf(t, u.Name)
	if len(sessions) != 1 || !sessions[0].MFA {
		t.Fatalf("sessions minted for the user = %+v, want one MFA session", sessions)
	}
	roles := recordedSignedBy(reqs, "AssumeRole", sessions[0].AccessKeyID)
	if len(roles) != 2 {
		t.Fatalf("AssumeRole requests signed by the session = %d, want 2", len(roles))
	}
	for _, r := range roles {
		if r.Params.Has("SerialNumber") || r.Params.Has("TokenCode") {
			t.Errorf("AssumeRole on the MFA session sent MFA params: %v", r.Params)
		}
	}
	if n := len(recordedSignedBy(reqs, "AssumeRole", u.Key.AccessKeyID)); n != 0 {
		t.Errorf("%d AssumeRole requests signed by the long-term key, want 0", n)
	}
	if mfa.count() != 1 {
		t.Errorf("MFA code asked %d times, want 1", mfa.count())
	}
}
