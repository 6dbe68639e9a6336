package sts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// A role assumed with another role's session is capped at 1 h by AWS
// (ValidationError "... 1 hour session limit for roles assumed by role
// chaining."); the plan refuses a longer one before any request, naming
// the profile, instead of passing AWS's refusal on.
func TestPlanCapsChainedRolesAtOneHour(t *testing.T) {
	p := &Provider{Key: vault.Key{AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ", SecretAccessKey: "s"}, Config: ClientConfig{Region: "us-east-1"}}
	first := profiles.Hop{Profile: "deploy", RoleARN: "arn:aws:iam::1:role/deploy"}
	second := profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/admin"}
	for _, base := range []profiles.Hop{{Profile: "base"}, {Profile: "base", MFASerial: "arn:aws:iam::1:mfa/a"}} {
		_, err := p.plan(chainOf(base, first, second), Options{Duration: 2 * time.Hour})
		var de *DurationError
		if !errors.As(err, &de) || !de.Chained || de.Profile != "admin" || de.Max != time.Hour {
			t.Fatalf("mfa %q: 2 h on the chained role: %v, want a chained DurationError for admin", base.MFASerial, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "role chaining") || !strings.Contains(msg, "1h0m0s") {
			t.Errorf("message %q", msg)
		}
		chained := second
		chained.Duration = 90 * time.Minute
		if _, err := p.plan(chainOf(base, first, chained), Options{}); !errors.As(err, &de) || !de.Chained {
			t.Errorf("duration_seconds 90 min on the chained role: %v", err)
		}
		if _, err := p.plan(chainOf(base, first, second), Options{Duration: time.Hour}); err != nil {
			t.Errorf("1 h on the chained role: %v", err)
		}
		// The first role comes straight from the key (or its MFA session,
		// or the key with the code when longer): up to 12 h.
		if _, err := p.plan(chainOf(base, first), Options{Duration: 2 * time.Hour}); err != nil {
			t.Errorf("2 h on the first role: %v", err)
		}
	}
}
