package sts

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

func TestPlanConsole(t *testing.T) {
	key := profiles.Hop{Profile: "base"}
	mfaKey := profiles.Hop{Profile: "base", MFASerial: "arn:aws:iam::1:mfa/me"}
	role := profiles.Hop{Profile: "role", RoleARN: "arn:aws:iam::1:role/r"}
	role2 := profiles.Hop{Profile: "role2", RoleARN: "arn:aws:iam::1:role/r2"}
	chain := func(kind profiles.SourceKind, hops ...profiles.Hop) *profiles.Chain {
		return &profiles.Chain{Hops: hops, SourceKind: kind}
	}
	cases := []struct {
		name            string
		chain           *profiles.Chain
		d               time.Duration
		method          ConsoleMethod
		chained         bool
		sessionDuration time.Duration
		refused         bool
	}{
		{"role from key", chain(profiles.SourceStoredKey, key, role), 0, ConsoleRole, false, 0, false},
		{"role from key, 8h", chain(profiles.SourceStoredKey, key, role), 8 * time.Hour, ConsoleRole, false, 8 * time.Hour, false},
		{"MFA role: chained through the MFA session", chain(profiles.SourceStoredKey, mfaKey, role), 0, ConsoleRole, true, 0, false},
		{"MFA role, 1h: still chained, no SessionDuration", chain(profiles.SourceStoredKey, mfaKey, role), time.Hour, ConsoleRole, true, 0, false},
		{"MFA role, 8h: straight from the key", chain(profiles.SourceStoredKey, mfaKey, role), 8 * time.Hour, ConsoleRole, false, 8 * time.Hour, false},
		{"role on role, 8h: refused", chain(profiles.SourceStoredKey, key, role, role2), 8 * time.Hour, 0, false, 0, true},
		{"role on role", chain(profiles.SourceStoredKey, key, role, role2), 0, ConsoleRole, true, 0, false},
		{"role on SSO, 2h: refused", chain(profiles.SourceSSO, key, role), 2 * time.Hour, 0, false, 0, true},
		{"13h: refused", chain(profiles.SourceStoredKey, key, role), 13 * time.Hour, 0, false, 0, true},
		{"key only: federation", chain(profiles.SourceStoredKey, key), 0, ConsoleFederation, false, 0, false},
		{"SSO role credentials", chain(profiles.SourceSSO, key), 0, ConsoleRole, false, 0, false},
		{"credential_process without role: refused", chain(profiles.SourceProcess, key), 0, 0, false, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanConsole(tc.chain, Options{Duration: tc.d})
			var refused *ConsoleRefusedError
			if tc.refused {
				if !errors.As(err, &refused) || refused.Fix == "" {
					t.Fatalf("got %+v, %v; want a refusal with a fix", p, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Method != tc.method || p.Chained != tc.chained || p.SessionDuration != tc.sessionDuration {
				t.Errorf("plan %+v; want method %d chained %v SessionDuration %v", p, tc.method, tc.chained, tc.sessionDuration)
			}
		})
	}
	p, _ := PlanConsole(chain(profiles.SourceStoredKey, mfaKey), Options{})
	if p.MFASerial == "" || p.FederationDuration != DefaultFederationDuration {
		t.Errorf("key-only MFA profile: %+v", p)
	}
}

func TestConsoleHostsByPartition(t *testing.T) {
	cases := []struct{ region, signin, destination string }{
		{"", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home?region=us-east-1"},
		{"eu-west-1", "https://signin.aws.amazon.com/federation", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"},
		{"us-gov-west-1", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"us-gov-east-1", "https://signin.amazonaws-us-gov.com/federation", "https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1"},
		{"cn-north-1", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
		{"cn-northwest-1", "https://signin.amazonaws.cn/federation", "https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1"},
		{"eusc-de-east-1", "https://signin.amazonaws-eusc.eu/federation", "https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1"},
	}
	for _, tc := range cases {
		req := SigninRequest{Region: tc.region}
		ep, err := req.endpoint()
		if err != nil || ep != tc.signin {
			t.Errorf("%q: endpoint %q, %v; want %q", tc.region, ep, err, tc.signin)
		}
		d, err := ConsoleDestination(req)
		if err != nil || d != tc.destination {
			t.Errorf("%q: destination %q, %v; want %q", tc.region, d, err, tc.destination)
		}
	}
	if _, err := (SigninRequest{Region: "us-iso-east-1"}).endpoint(); err == nil {
		t.Error("aws-iso has no public console")
	}
	if d, _ := ConsoleDestination(SigninRequest{Region: "eu-west-1", Service: "s3"}); d != "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1" {
		t.Errorf("--service s3: %s", d)
	}
	if ep, _ := (SigninRequest{Endpoint: "http://127.0.0.1:9/"}).endpoint(); ep != "http://127.0.0.1:9/federation" {
		t.Errorf("override base: %s", ep)
	}
	if ep, _ := (SigninRequest{Endpoint: "http://127.0.0.1:9/x/federation"}).endpoint(); ep != "http://127.0.0.1:9/x/federation" {
		t.Errorf("override full: %s", ep)
	}
}

func TestRedactSigninURL(t *testing.T) {
	u := "https://signin.aws.amazon.com/federation?Action=login&Destination=" + url.QueryEscape("https://console.aws.amazon.com/") + "&SigninToken=SECRETTOKEN"
	got := RedactSigninURL(u)
	if got != "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=***" {
		t.Errorf("redacted: %s", got)
	}
}

func TestFederationName(t *testing.T) {
	if n := FederationName("alice", "p"); n != "alice" {
		t.Errorf("%s", n)
	}
	if n := FederationName("", "my profile/with-a-very-long-name-indeed"); len(n) != 32 || n[:8] != "awskeep-" {
		t.Errorf("%q", n)
	}
}
