package sts

import (
	"fmt"
	"time"
)

// Errors of Retrieve that arise before or around the AWS calls. Errors of
// the calls themselves come from classify (errors.go); a wrong MFA code is
// an *AccessDeniedError with MFASent set.

// DurationError: a requested session duration is outside what AWS accepts
// for the call. Retrieve checks every duration before its first request.
type DurationError struct {
	Profile   string // the hop the duration applies to
	Operation string // "sts:GetSessionToken" or "sts:AssumeRole"
	// Setting says where the value came from: "--duration" or "duration_seconds".
	Setting  string
	Duration time.Duration
	Min, Max time.Duration
	// Chained: the role is assumed with another role's session, which AWS
	// caps at 1 h (role chaining).
	Chained bool
}

func (e *DurationError) Error() string {
	if e.Chained {
		return fmt.Sprintf("profile %q: %s %v is longer than AWS allows: its role is assumed with another role's session (role chaining), which AWS limits to %v",
			e.Profile, e.Setting, e.Duration, e.Max)
	}
	return fmt.Sprintf("profile %q: %s %v is outside the %s range %v to %v",
		e.Profile, e.Setting, e.Duration, e.Operation, e.Min, e.Max)
}

// NoMFACodeError: the call needs an MFA code and none could be had (no
// --mfa-token, and the MFA code source is missing or failed). Err is the
// code source's error, if any.
type NoMFACodeError struct {
	Profile string // the hop that names the MFA device
	Serial  string // the MFA device's serial number or ARN
	Err     error
}

func (e *NoMFACodeError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("profile %q needs a code for MFA device %s: %v", e.Profile, e.Serial, e.Err)
	}
	return fmt.Sprintf("profile %q needs a code for MFA device %s and there is no way to ask for one", e.Profile, e.Serial)
}

func (e *NoMFACodeError) Unwrap() error { return e.Err }

// UnsupportedChainError: the chain cannot be turned into credentials from
// a stored key (empty chain, or a source that is not a stored key, such as
// credential_source or web_identity_token_file).
type UnsupportedChainError struct {
	Profile string
	Reason  string
}

func (e *UnsupportedChainError) Error() string {
	return fmt.Sprintf("profile %q: %s", e.Profile, e.Reason)
}
