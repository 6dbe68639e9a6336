package sts

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go"
)

// The typed errors below are what sts returns for failed AWS calls; all are
// made by classify. They carry facts (codes, masked key ids, endpoints,
// whether MFA was sent), never secrets, and leave the explanation to the
// caller. Each unwraps to the SDK or network error beneath.

// RejectedKeyError: AWS did not accept the credentials themselves.
type RejectedKeyError struct {
	// KeyID is the full access key id; render it with MaskKeyID.
	KeyID string
	// Code is InvalidClientTokenId or InvalidAccessKeyId (key deleted,
	// deactivated, never existed, or a session token that is invalid) or
	// SignatureDoesNotMatch (the secret does not belong to the key).
	Code    string
	Message string
	// Operation is "service:Action", e.g. "sts:GetCallerIdentity".
	Operation string
	Endpoint  string
	// WithSessionToken is true when the call was signed with a session
	// token: then it is the session, not the long-term key, that was refused.
	WithSessionToken bool
	Err              error
}

func (e *RejectedKeyError) Error() string {
	what := "access key " + MaskKeyID(e.KeyID)
	if e.WithSessionToken {
		what = "session credentials " + MaskKeyID(e.KeyID)
	}
	return fmt.Sprintf("%s: AWS rejected %s (%s) at %s", e.Operation, what, e.Code, e.Endpoint)
}

func (e *RejectedKeyError) Unwrap() error { return e.Err }

// WrongSecret reports whether the key id is known but the secret is not
// its secret.
func (e *RejectedKeyError) WrongSecret() bool {
	return e.Code == "SignatureDoesNotMatch" || e.Code == "InvalidSignatureException"
}

// UnknownKey reports whether AWS does not know (or no longer honours) the
// key id: deleted, deactivated, or never existed.
func (e *RejectedKeyError) UnknownKey() bool { return !e.WrongSecret() }

// AccessDeniedError: the credentials are valid but not allowed to do this.
type AccessDeniedError struct {
	Operation string
	Message   string // AWS's text, e.g. "User: arn:... is not authorized to perform: iam:ListAccessKeys"
	// MFASent is true when the call carried an MFA code, so the denial may
	// mean a wrong or reused code.
	MFASent bool
	Err     error
}

func (e *AccessDeniedError) Error() string {
	return fmt.Sprintf("%s: access denied: %s", e.Operation, e.Message)
}

func (e *AccessDeniedError) Unwrap() error { return e.Err }

// ExpiredTokenError: the session token that signed the call has expired.
type ExpiredTokenError struct {
	Operation string
	Message   string
	Err       error
}

func (e *ExpiredTokenError) Error() string {
	return fmt.Sprintf("%s: the security token has expired: %s", e.Operation, e.Message)
}

func (e *ExpiredTokenError) Unwrap() error { return e.Err }

// ClockSkewError: AWS refused the request's signing time, which means the
// local clock is wrong.
type ClockSkewError struct {
	Operation string
	Code      string // RequestExpired, RequestTimeTooSkewed, or a signature error saying so
	Message   string
	// ServerTime is AWS's clock from the reply's Date header; zero if absent.
	ServerTime time.Time
	// LocalTime is this machine's clock when the reply arrived.
	LocalTime time.Time
	Err       error
}

func (e *ClockSkewError) Error() string {
	if skew, ok := e.Skew(); ok {
		return fmt.Sprintf("%s: request time refused (%s): local clock is off by %v", e.Operation, e.Code, skew.Round(time.Second))
	}
	return fmt.Sprintf("%s: request time refused (%s): %s", e.Operation, e.Code, e.Message)
}

func (e *ClockSkewError) Unwrap() error { return e.Err }

// Skew is how far the local clock is ahead of AWS's (negative: behind).
func (e *ClockSkewError) Skew() (time.Duration, bool) {
	if e.ServerTime.IsZero() || e.LocalTime.IsZero() {
		return 0, false
	}
	return e.LocalTime.Sub(e.ServerTime), true
}

// ThrottledError: AWS kept throttling the call after every retry.
type ThrottledError struct {
	Operation string
	Code      string
	Attempts  int
	Err       error
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%s: throttled by AWS (%s) after %d attempts", e.Operation, e.Code, e.Attempts)
}

func (e *ThrottledError) Unwrap() error { return e.Err }

// UnreachableError: no answer from the endpoint (DNS, connect, TLS, timeout).
type UnreachableError struct {
	Operation string
	Endpoint  string
	// TimedOut is true when the operation's time limit ran out.
	TimedOut bool
	Err      error
}

func (e *UnreachableError) Error() string {
	if e.TimedOut {
		return fmt.Sprintf("%s: no answer from %s in time: %v", e.Operation, e.Endpoint, e.Err)
	}
	return fmt.Sprintf("%s: cannot reach %s: %v", e.Operation, e.Endpoint, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// APIError: any other error AWS answered with.
type APIError struct {
	Code       string
	Message    string
	Operation  string
	HTTPStatus int // 0 if unknown
	RequestID  string
	Err        error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: AWS error %s: %s", e.Operation, e.Code, e.Message)
}

func (e *APIError) Unwrap() error { return e.Err }

// BadAnswerError: the endpoint answered, but not as AWS answers: a body
// that is no AWS reply (another server or a proxy behind the endpoint, an
// empty 500 after every retry). AWS's own errors are *APIError.
type BadAnswerError struct {
	Operation  string
	Endpoint   string
	HTTPStatus int
	Attempts   int
	Err        error
}

func (e *BadAnswerError) Error() string {
	return fmt.Sprintf("%s: the answer from %s (HTTP %d) is not an AWS reply", e.Operation, e.Endpoint, e.HTTPStatus)
}

func (e *BadAnswerError) Unwrap() error { return e.Err }

// KeyNotListedError: IAM listed the user's keys and the key was not among
// them (the key belongs to another user, or was just deleted).
type KeyNotListedError struct {
	KeyID    string
	UserName string
}

func (e *KeyNotListedError) Error() string {
	return fmt.Sprintf("iam:ListAccessKeys: access key %s is not listed for user %q", MaskKeyID(e.KeyID), e.UserName)
}

// MaskKeyID shortens an access key id for display: its 4-character type
// prefix (AKIA, ASIA) and last 4 characters, "AKIA…WXYZ". Ids too short to
// keep anything hidden show only their last 4 characters.
func MaskKeyID(id string) string {
	switch {
	case id == "":
		return ""
	case len(id) >= 12:
		return id[:4] + "…" + id[len(id)-4:]
	case len(id) > 4:
		return "…" + id[len(id)-4:]
	default:
		return "…"
	}
}

// FromSDK reports whether err carries an AWS SDK operation error
// ("operation error STS: AssumeRole, https response error ..."), which is
// for logs, not for people, unless a sentence says what it is about.
func FromSDK(err error) bool {
	var op *smithy.OperationError
	return errors.As(err, &op)
}

// awsFailure marks the errors classify makes of a failed AWS call (AWS's
// answer, or the network's), as against local faults; isAWSError asks for it.
type awsFailure interface {
	error
	awsFailure()
}

func (*RejectedKeyError) awsFailure()  {}
func (*AccessDeniedError) awsFailure() {}
func (*ExpiredTokenError) awsFailure() {}
func (*ClockSkewError) awsFailure()    {}
func (*ThrottledError) awsFailure()    {}
func (*UnreachableError) awsFailure()  {}
func (*APIError) awsFailure()          {}
func (*BadAnswerError) awsFailure()    {}
