package sts

import (
	"fmt"
	"time"
)

// Why an SSO login is needed (SSOLoginRequiredError.Reason).
const (
	SSONoToken         = "no token"          // never logged in, or logged out
	SSOTokenExpired    = "token expired"     // and it cannot be refreshed
	SSORefreshRejected = "refresh rejected"  // InvalidGrant: the refresh token was refused
	SSORegistration    = "registration over" // the client registration expired or was refused
	SSORevoked         = "session revoked"   // the portal answered 401 to a token that had not expired
)

// SSOLoginRequiredError: a login is needed and none may start here (no
// terminal under credential-process, or a non-interactive call).
type SSOLoginRequiredError struct {
	Session  string // empty for the legacy form
	StartURL string
	Profile  string // the SSO source profile
	Reason   string // SSONoToken, SSOTokenExpired, ...
	// ExpiredAt is when the token ran out, when there was one.
	ExpiredAt time.Time
	// Legacy: the profile uses the legacy form, which cannot refresh.
	Legacy bool
}

func (e *SSOLoginRequiredError) Error() string {
	who := "sso-session " + e.Session
	if e.Legacy {
		who = e.StartURL
	}
	return fmt.Sprintf("IAM Identity Center login needed for %s (%s)", who, e.Reason)
}

// SSOLoginError: a login was started and did not finish.
type SSOLoginError struct {
	Session  string
	StartURL string
	// Reason: "denied" (the user refused, AccessDenied or access_denied),
	// "timed out" (the device code or the browser wait ran out),
	// "state mismatch" (a callback that was not ours), "failed".
	Reason string
	Err    error
}

// Values of SSOLoginError.Reason.
const (
	SSOLoginDenied        = "denied"
	SSOLoginTimedOut      = "timed out"
	SSOLoginStateMismatch = "state mismatch"
	SSOLoginFailed        = "failed"
)

func (e *SSOLoginError) Error() string {
	msg := fmt.Sprintf("IAM Identity Center login for %s %s", firstNonEmpty(e.Session, e.StartURL), e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}
func (e *SSOLoginError) Unwrap() error { return e.Err }

// SSOUnauthorizedError: the portal refused the token (401) even after a
// refresh or a new login; the session was revoked or ended.
type SSOUnauthorizedError struct {
	Session  string
	StartURL string
	Err      error
}

func (e *SSOUnauthorizedError) Error() string {
	return fmt.Sprintf("the IAM Identity Center session for %s expired or was revoked: %v", firstNonEmpty(e.Session, e.StartURL), e.Err)
}
func (e *SSOUnauthorizedError) Unwrap() error { return e.Err }

// SSORoleError: the portal has no such role for the user (404/403).
type SSORoleError struct {
	Profile, AccountID, RoleName string
	Err                          error
}

func (e *SSORoleError) Error() string {
	return fmt.Sprintf("IAM Identity Center gives no role %s in account %s to this user: %v", e.RoleName, e.AccountID, e.Err)
}
func (e *SSORoleError) Unwrap() error { return e.Err }

// SSOServiceError: an OIDC or portal call failed for another reason
// (network, throttling, a service error).
type SSOServiceError struct {
	Operation string
	Endpoint  string
	Err       error
}

func (e *SSOServiceError) Error() string {
	return fmt.Sprintf("IAM Identity Center %s at %s failed: %v", e.Operation, e.Endpoint, e.Err)
}
func (e *SSOServiceError) Unwrap() error { return e.Err }
