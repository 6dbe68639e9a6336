package sts

import (
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

func TestDefaultSessionName(t *testing.T) {
	tests := []struct{ user, profile, want string }{
		{"alice", "dev", "awskeep-alice"},
		{"", "dev", "awskeep-dev"},
		{"a.b+c=d,e@f_g-h", "dev", "awskeep-a.b+c=d,e@f_g-h"},
		{"", "my profile/ü", "awskeep-my-profile---"},
		{strings.Repeat("x", 70), "dev", "awskeep-" + strings.Repeat("x", 56)},
	}
	for _, tt := range tests {
		if got := defaultSessionName(tt.user, tt.profile); got != tt.want {
			t.Errorf("defaultSessionName(%q, %q) = %q, want %q", tt.user, tt.profile, got, tt.want)
		}
	}
}

// Every input that changes the result changes the cache id; nothing else does.
func TestCacheIDCoversEverythingThatChangesTheResult(t *testing.T) {
	const dev = "arn:aws:iam::1:mfa/a"
	role := profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/admin", ExternalID: "x", RoleSessionName: "s"}
	base := profiles.Hop{Profile: "base", MFASerial: dev}
	key := vault.Key{AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ", SecretAccessKey: "s"}
	cfg := ClientConfig{Region: "us-east-1", STSEndpoint: "http://sts"}

	idOf := func(t *testing.T, key vault.Key, cfg ClientConfig, chain *profiles.Chain, opts Options) string {
		t.Helper()
		p := &Provider{Key: key, Config: cfg}
		s, err := p.plan(chain, opts)
		if err != nil {
			t.Fatal(err)
		}
		return s.id
	}
	ref := idOf(t, key, cfg, chainOf(base, role), Options{})
	with := func(change func(*profiles.Hop)) *profiles.Chain {
		r := role
		change(&r)
		return chainOf(base, r)
	}
	otherKey := key
	otherKey.AccessKeyID = "AKIAOTHEROTHEROTHER1"
	variants := map[string]string{
		"key id":       idOf(t, otherKey, cfg, chainOf(base, role), Options{}),
		"region":       idOf(t, key, ClientConfig{Region: "eu-west-1", STSEndpoint: "http://sts"}, chainOf(base, role), Options{}),
		"endpoint":     idOf(t, key, ClientConfig{Region: "us-east-1"}, chainOf(base, role), Options{}),
		"MFA device":   idOf(t, key, cfg, chainOf(profiles.Hop{Profile: "base", MFASerial: dev + "2"}, role), Options{}),
		"no MFA":       idOf(t, key, cfg, chainOf(profiles.Hop{Profile: "base"}, role), Options{}),
		"role":         idOf(t, key, cfg, with(func(h *profiles.Hop) { h.RoleARN += "2" }), Options{}),
		"external id":  idOf(t, key, cfg, with(func(h *profiles.Hop) { h.ExternalID = "y" }), Options{}),
		"session name": idOf(t, key, cfg, with(func(h *profiles.Hop) { h.RoleSessionName = "t" }), Options{}),
		"duration":     idOf(t, key, cfg, chainOf(base, role), Options{Duration: 30 * time.Minute}),
		"chained":      idOf(t, key, cfg, chainOf(base, profiles.Hop{Profile: "mid", RoleARN: "arn:aws:iam::1:role/mid"}, role), Options{}),
	}
	seen := map[string]string{ref: "reference"}
	for name, id := range variants {
		if other, dup := seen[id]; dup {
			t.Errorf("%s: same cache id as %s", name, other)
		}
		seen[id] = name
	}
	// The profile's name and the secret do not change what AWS returns.
	renamed := role
	renamed.Profile = "other-name"
	otherSecret := key
	otherSecret.SecretAccessKey = "rotated?"
	if idOf(t, otherSecret, cfg, chainOf(base, renamed), Options{}) != ref {
		t.Error("profile name or secret changed the cache id")
	}
}

// A cache id says what its session is (kind, MFA, duration, region), so
// list can tell the sessions of one key apart without reading them.
func TestCacheIDDescribesTheSession(t *testing.T) {
	const dev = "arn:aws:iam::1:mfa/a"
	key := vault.Key{AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ", SecretAccessKey: "s"}
	cfg := ClientConfig{Region: "eu-west-1", STSEndpoint: "http://sts"}
	role := profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/admin"}
	plan := func(chain *profiles.Chain, opts Options) *step {
		t.Helper()
		s, err := (&Provider{Key: key, Config: cfg}).plan(chain, opts)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	withMFA := plan(chainOf(profiles.Hop{Profile: "base", MFASerial: dev}, role), Options{})
	direct := plan(chainOf(profiles.Hop{Profile: "base", MFASerial: dev}, role), Options{NoSession: true, Duration: 2 * time.Hour})
	tests := []struct {
		what string
		id   string
		want SessionKind
	}{
		{"role on an MFA session", withMFA.id, SessionKind{Kind: SessionRole, MFA: true, Duration: time.Hour, Region: "eu-west-1"}},
		{"the MFA session under it", withMFA.base.id, SessionKind{Kind: SessionToken, MFA: true, Duration: 12 * time.Hour, Region: "eu-west-1"}},
		{"role straight from the key with the code", direct.id, SessionKind{Kind: SessionRole, MFA: true, Duration: 2 * time.Hour, Region: "eu-west-1"}},
		{"plain session token", plan(chainOf(profiles.Hop{Profile: "base"}), Options{Duration: 30 * time.Minute}).id,
			SessionKind{Kind: SessionToken, Duration: 30 * time.Minute, Region: "eu-west-1"}},
		{"role without MFA", plan(chainOf(profiles.Hop{Profile: "base"}, role), Options{}).id,
			SessionKind{Kind: SessionRole, Duration: time.Hour, Region: "eu-west-1"}},
	}
	for _, tt := range tests {
		got, ok := DescribeSessionID(tt.id)
		if !ok || got != tt.want {
			t.Errorf("%s: DescribeSessionID(%q) = %+v, %v; want %+v", tt.what, tt.id, got, ok, tt.want)
		}
	}
	if _, ok := DescribeSessionID("0123456789abcdef0123456789abcdef"); ok {
		t.Error("an id cached before ids described their session was described")
	}
}
