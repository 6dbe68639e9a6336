package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// Ids as the pipeline makes them (sts.DescribeSessionID; the plan's ids
// are tested in sts), and one cached before ids said what they are.
const (
	idPlainToken = "token_nomfa_43200_eu-west-1_0123456789abcdef0123456789abcdef"
	idShortToken = "token_nomfa_3600_eu-west-1_1123456789abcdef0123456789abcdef"
	idMFAToken   = "token_mfa_43200_eu-west-1_2123456789abcdef0123456789abcdef"
	idMFARole    = "role_mfa_3600_eu-west-1_3123456789abcdef0123456789abcdef"
	idRoleUSEast = "role_mfa_3600_us-east-1_4123456789abcdef0123456789abcdef"
	idOld        = "5123456789abcdef0123456789abcdef"
)

// storeSessions caches sessions of base's key: (id, profile, time left).
func storeSessions(t *testing.T, te *testEnv, sessions ...any) {
	t.Helper()
	store, err := te.f.Vault()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(sessions); i += 3 {
		s := vault.Session{ID: sessions[i].(string), Profile: sessions[i+1].(string), SourceKeyID: "AKIABASEBASEBASE0001",
			AccessKeyID: fmt.Sprintf("ASIASESSION%09d", i), SecretAccessKey: "s", SessionToken: "t",
			Expiration: te.f.Now().Add(sessions[i+2].(time.Duration))}
		if err := store.PutSession(s); err != nil {
			t.Fatal(err)
		}
	}
	te.f.resetVault()
}

// TestSessionsOfOneKeyToldApart: several sessions cached from one key (plain
// and MFA session tokens, another duration, role sessions in two regions,
// one from before kinds were recorded) read differently in list and
// profile show, in text and JSON.
func TestSessionsOfOneKeyToldApart(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", jsonFixtureConfig)
	now := te.f.Now()
	storeKey(t, te, vault.Key{Profile: "base", AccessKeyID: "AKIABASEBASEBASE0001", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	storeSessions(t, te,
		idPlainToken, "base", 11*time.Hour,
		idShortToken, "base", 40*time.Minute,
		idMFAToken, "base", 5*time.Hour,
		idOld, "base", 2*time.Hour,
		idMFARole, "prod", 50*time.Minute,
		idRoleUSEast, "prod", 30*time.Minute,
	)

	if code := te.run("list"); code != 0 {
		t.Fatalf("list: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "list", te.stdout.String(),
		"session token, 12 h: 11 h 0 min left",
		"session token, 1 h: 40 min left",
		"session token, MFA, 12 h: 5 h 0 min left",
		"session (kind not recorded): 2 h 0 min left",
		"role, MFA, 1 h, eu-west-1: 50 min left",
		"role, MFA, 1 h, us-east-1: 30 min left",
	)

	if code := te.run("list", "--json"); code != 0 {
		t.Fatalf("list --json: exit %d\n%s", code, te.stderr)
	}
	type session struct {
		Kind            string `json:"kind"`
		MFA             bool   `json:"mfa"`
		DurationSeconds int64  `json:"duration_seconds"`
		Region          string `json:"region"`
		RoleARN         string `json:"role_arn"`
	}
	var rows []struct {
		Profile  string    `json:"profile"`
		Sessions []session `json:"sessions"`
	}
	if err := json.Unmarshal(te.stdout.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rows {
		for _, s := range r.Sessions {
			got[fmt.Sprintf("%s %s mfa=%v %ds %s %s", r.Profile, s.Kind, s.MFA, s.DurationSeconds, s.Region, s.RoleARN)] = true
		}
	}
	for _, want := range []string{
		"base session token mfa=false 43200s eu-west-1 ",
		"base session token mfa=false 3600s eu-west-1 ",
		"base session token mfa=true 43200s eu-west-1 ",
		"base unknown mfa=false 0s  ",
		"prod role mfa=true 3600s eu-west-1 arn:aws:iam::222222222222:role/deploy",
		"prod role mfa=true 3600s us-east-1 arn:aws:iam::222222222222:role/deploy",
	} {
		if !got[want] {
			t.Errorf("list --json has no session %q; has %v", want, got)
		}
	}

	// profile show prod: the sessions of both hops, the role's ARN.
	if code := te.run("profile", "show", "prod"); code != 0 {
		t.Fatalf("profile show: exit %d\n%s", code, te.stderr)
	}
	out := te.stdout.String()
	mustContain(t, "profile show", out, "cached sessions (6):", "prod  role arn:aws:iam::222222222222:role/deploy, MFA, 1 h, eu-west-1",
		"base  session token, MFA, 12 h")
	lines := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		if lines[l] && strings.Contains(l, "left") {
			t.Errorf("two sessions read alike: %q", l)
		}
		lines[l] = true
	}
	if code := te.run("profile", "show", "prod", "--json"); code != 0 {
		t.Fatalf("profile show --json: exit %d\n%s", code, te.stderr)
	}
	var shown struct{ Sessions []session }
	if err := json.Unmarshal(te.stdout.Bytes(), &shown); err != nil || len(shown.Sessions) != 6 {
		t.Errorf("profile show --json sessions = %+v (%v)", shown.Sessions, err)
	}
}

// TestProfileShowColumnsSurviveLongValues: a 200-character role_arn and a
// long profile name keep the other settings' columns; on a narrow terminal
// the long value's file:line goes on its own line, and off a terminal
// nothing is cut or wrapped.
func TestProfileShowColumnsSurviveLongValues(t *testing.T) {
	longARN := "arn:aws:iam::222222222222:role/" + strings.Repeat("r", 169)
	longName := "a-very-long-profile-name-" + strings.Repeat("p", 60)
	config := "[profile " + longName + "]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n" +
		"role_arn = " + longARN + "\nsource_profile = " + longName + "\nexternal_id = x\n"
	for _, width := range []int{0, 100} {
		t.Run(fmt.Sprintf("width %d", width), func(t *testing.T) {
			te := newTestEnv(t)
			te.f.IO.outWidth = func() int { return width }
			te.writeFile(t, ".aws/config", config)
			if code := te.run("profile", "show", longName); code != 0 {
				t.Fatalf("exit %d\n%s", code, te.stderr)
			}
			// Every file:line of the settings starts in one column.
			col := -1
			for _, l := range strings.Split(te.stdout.String(), "\n") {
				i := strings.Index(l, "~/.aws/config:")
				if i < 0 {
					continue
				}
				if width > 0 && len(l) > width && !strings.Contains(l, longARN) {
					t.Errorf("line of %d columns on a %d-column terminal: %q", len(l), width, l)
				}
				if strings.Contains(l, longARN) && width > 0 {
					t.Errorf("the long value's file:line shares its line on a terminal: %q", l)
				}
				if col >= 0 && i != col {
					t.Errorf("file:line at column %d, others at %d:\n%s", i, col, te.stdout)
					break
				}
				col = i
			}
			if !strings.Contains(te.stdout.String(), longARN) {
				t.Errorf("the role_arn was cut:\n%s", te.stdout)
			}
		})
	}
}
