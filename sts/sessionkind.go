package sts

import (
	"strconv"
	"strings"
	"time"
)

// Kinds of cached sessions (SessionKind.Kind).
const (
	SessionToken       = "session token" // GetSessionToken with the long-term key
	SessionRole        = "role"          // AssumeRole
	SessionSSORole     = "sso role"      // IAM Identity Center account role credentials
	SessionWebIdentity = "web identity"  // AssumeRoleWithWebIdentity
)

// SessionKind is what a cached session is, so that the sessions of one key
// can be told apart without reading (or decrypting) them: its cache id
// starts with it.
type SessionKind struct {
	Kind string
	// MFA: an MFA code went into it (sent with this call or with the
	// session token it was made with).
	MFA bool
	// Duration is the lifetime asked of AWS; 0 when AWS chose it.
	Duration time.Duration
	Region   string
}

var kindCodes = map[string]string{SessionToken: "token", SessionRole: "role", SessionSSORole: "sso", SessionWebIdentity: "webid"}

// describedID is hash (a cacheID) prefixed with k:
// <kind>_<mfa|nomfa>_<seconds>_<region>_<hash>. Every field keeps to
// [A-Za-z0-9-], so the id stays a plain keyring item name.
func describedID(k SessionKind, hash string) string {
	mfa := "nomfa"
	if k.MFA {
		mfa = "mfa"
	}
	region := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, k.Region)
	return strings.Join([]string{kindCodes[k.Kind], mfa, strconv.FormatInt(int64(k.Duration/time.Second), 10), region, hash}, "_")
}

// DescribeSessionID reads what a cached session is from its id; false for
// ids cached before ids said it.
func DescribeSessionID(id string) (SessionKind, bool) {
	parts := strings.Split(id, "_")
	if len(parts) != 5 || (parts[1] != "mfa" && parts[1] != "nomfa") {
		return SessionKind{}, false
	}
	k := SessionKind{MFA: parts[1] == "mfa", Region: parts[3]}
	for kind, code := range kindCodes {
		if code == parts[0] {
			k.Kind = kind
		}
	}
	secs, err := strconv.ParseInt(parts[2], 10, 64)
	if k.Kind == "" || err != nil || secs < 0 {
		return SessionKind{}, false
	}
	k.Duration = time.Duration(secs) * time.Second
	return k, true
}
