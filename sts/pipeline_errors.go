package sts

import (
	"fmt"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// Errors of Resolver.Credentials about the chain's source. Errors of the
// AWS calls come wrapped in a *CredentialsError.

// NoStoredKeyError: the chain's source profile holds nothing of its own and
// no key is stored for it.
type NoStoredKeyError struct {
	Profile string // the profile asked for
	Owner   string // the chain's source profile, which needs the key
	Backend string // the keyring looked in
	// AwskeepProcess is Owner's credential_process when it runs awskeep
	// itself (profiles.AwskeepProfile): Owner is how other tools reach
	// awskeep, not a source awskeep follows.
	AwskeepProcess string
}

func (e *NoStoredKeyError) Error() string {
	if e.Profile == e.Owner || e.Profile == "" {
		return fmt.Sprintf("no key is stored for profile %s in the %s keyring", e.Owner, e.Backend)
	}
	return fmt.Sprintf("profile %s gets its key from %s, and no key is stored for %s in the %s keyring", e.Profile, e.Owner, e.Owner, e.Backend)
}

// PlainTextKeyError: the chain's source is a plain-text key pair in the
// files, which awskeep does not use.
type PlainTextKeyError struct {
	Profile string // the profile asked for
	Owner   string // the profile with the plain-text key
	File    string
	Line    int
}

func (e *PlainTextKeyError) Error() string {
	return fmt.Sprintf("profile %s keeps its key in plain text (%s line %d), and awskeep uses keys from the keyring only", e.Owner, e.File, e.Line)
}

// CredentialProcessError: another tool's credential_process, the source of
// profile Profile, gave no usable credentials.
type CredentialProcessError struct {
	Profile string
	Command string
	Reason  string
	Err     error // the run's error, if it failed; nil for bad output
}

func (e *CredentialProcessError) Error() string {
	return fmt.Sprintf("the credential_process of profile %s (%s) %s", e.Profile, e.Command, e.Reason)
}

func (e *CredentialProcessError) Unwrap() error { return e.Err }

// CredentialProcessLoopError: awskeep was started by the credential_process
// of Profile (directly or through a wrapper) and asked for Profile again;
// running the process once more would loop without end.
type CredentialProcessLoopError struct {
	Profile string
	Command string
}

func (e *CredentialProcessLoopError) Error() string {
	return fmt.Sprintf("the credential_process of profile %s (%s) runs awskeep for profile %s again, which would never end; stopped", e.Profile, e.Command, e.Profile)
}

// CredentialsError: getting credentials for Profile failed with AWS. It
// carries what an explanation needs about the source that was used and
// wraps the classified AWS error (*RejectedKeyError, *AccessDeniedError, ...).
type CredentialsError struct {
	Profile string              // the profile asked for
	Owner   string              // the chain's source profile, whose credentials were used
	Kind    profiles.SourceKind // what Owner's credentials are
	// Command is Owner's credential_process when Kind is SourceProcess.
	Command string
	// MaskedKeyID is the source's access key id, masked (MaskKeyID).
	MaskedKeyID string
	// AddedAt is when the stored key was added to awskeep; zero when
	// unknown or not a stored key.
	AddedAt time.Time
	// Dropped is how many cached sessions of a rejected long-term key were
	// dropped (they cannot be renewed, and would hide the problem).
	Dropped int
	Err     error
}

func (e *CredentialsError) Error() string { return e.Err.Error() }
func (e *CredentialsError) Unwrap() error { return e.Err }
