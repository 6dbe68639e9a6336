package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// listedSession is one cached session in list and profile show; its JSON
// form is stable (docs/json.md).
type listedSession struct {
	Profile string `json:"profile"` // the profile it was issued for
	// Kind is "session token", "role", "sso role", "web identity", or
	// "unknown" for a session cached before awskeep recorded kinds.
	Kind            string    `json:"kind"`
	MFA             bool      `json:"mfa"`
	RoleARN         string    `json:"role_arn,omitempty"`
	DurationSeconds int64     `json:"duration_seconds,omitempty"` // as asked of AWS; absent when AWS chose
	Region          string    `json:"region,omitempty"`
	Expiration      time.Time `json:"expiration"`
	SecondsLeft     int64     `json:"seconds_left"`
}

// cachedSessions are the unexpired sessions among infos that were issued
// for one of the profiles in want, described from their cache ids and the
// config (a role session's role is its profile's role_arn).
func cachedSessions(infos []vault.SessionInfo, set *profiles.Set, now time.Time, want func(profile string) bool) []listedSession {
	out := []listedSession{}
	for _, s := range infos {
		if !want(s.Profile) || !s.Expiration.After(now) {
			continue
		}
		ls := listedSession{Profile: s.Profile, Kind: "unknown", Expiration: s.Expiration.UTC(), SecondsLeft: int64(s.Expiration.Sub(now).Seconds())}
		if k, ok := sts.DescribeSessionID(s.ID); ok {
			ls.Kind, ls.MFA, ls.DurationSeconds, ls.Region = k.Kind, k.MFA, int64(k.Duration/time.Second), k.Region
		}
		if ls.Kind == sts.SessionRole {
			if p, err := set.Profile(s.Profile); err == nil {
				if v, ok := p.Get("role_arn"); ok {
					ls.RoleARN = v.Text
				}
			}
		}
		out = append(out, ls)
	}
	return out
}

// label tells a session from the others of its key: "session token, MFA,
// 12 h" (the region only when sessions differ in it).
func (s listedSession) label(withRegion bool) string {
	parts := []string{s.Kind}
	if s.Kind == "unknown" {
		parts[0] = "session (kind not recorded)"
	}
	if s.MFA {
		parts = append(parts, "MFA")
	}
	if s.DurationSeconds > 0 {
		parts = append(parts, humanLifetime(time.Duration(s.DurationSeconds)*time.Second))
	}
	if withRegion && s.Region != "" {
		parts = append(parts, s.Region)
	}
	return strings.Join(parts, ", ")
}

// regionsDiffer says whether the sessions were made in more than one region
// (of those whose region is known).
func regionsDiffer(ss []listedSession) bool {
	seen := ""
	for _, s := range ss {
		switch {
		case s.Region == "":
		case seen == "":
			seen = s.Region
		case s.Region != seen:
			return true
		}
	}
	return false
}

// humanLifetime is a session's lifetime as people write it: "12 h", "1 h 30 min", "15 min".
func humanLifetime(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", int(d.Hours()))
	case d >= time.Hour:
		return humanLeft(d)
	default:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
}
