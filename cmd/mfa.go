package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/awskeep/awskeep/internal/helperproc"
	"github.com/awskeep/awskeep/profiles"
)

var mfaCodePattern = regexp.MustCompile(`^[0-9]{6}$`)

// mfaCodeError: an MFA code is needed and none could be had.
type mfaCodeError struct {
	profile, serial string
	reason          string
}

func (e *mfaCodeError) Error() string {
	return fmt.Sprintf("profile %s needs an MFA code for %s, but %s", e.profile, e.serial, e.reason)
}

// mfaCode gets an MFA code for hop: from its mfa_process, else by asking on
// the controlling terminal (never stdin/stdout, which belong to the caller
// under credential_process). --mfa-token is handled before this is called.
func (f *factory) mfaCode(ctx context.Context, hop profiles.Hop) (string, error) {
	if hop.MFAProcess != "" {
		return f.runMFAProcess(ctx, hop)
	}
	tty, err := f.IO.openTTY()
	if err != nil {
		return "", &mfaCodeError{profile: hop.Profile, serial: hop.MFASerial, reason: "there is no terminal to ask on"}
	}
	defer tty.Close()
	// Not echoed, as a passphrase is not: the code is good for a while
	// after it is typed, so it should not stay on the screen.
	typed, err := readPassphrase(tty, tty, fmt.Sprintf("MFA code for %s: ", hop.MFASerial), true)
	if err != nil {
		return "", &mfaCodeError{profile: hop.Profile, serial: hop.MFASerial, reason: "reading it from the terminal failed"}
	}
	code := strings.TrimSpace(typed.Reveal())
	if !mfaCodePattern.MatchString(code) {
		return "", &mfaCodeError{profile: hop.Profile, serial: hop.MFASerial, reason: fmt.Sprintf("%q is not a 6-digit code", code)}
	}
	return code, nil
}

// mfaProcessTimeout is the documented limit of an mfa_process.
const mfaProcessTimeout = 2 * time.Minute

func (f *factory) runMFAProcess(ctx context.Context, hop profiles.Hop) (string, error) {
	f.Log.Debug("running mfa_process", "profile", hop.Profile)
	done := f.status().waiting("waiting for mfa_process for " + hop.Profile)
	out, err := helperproc.Run(ctx, helperproc.Command{Line: hop.MFAProcess, Timeout: mfaProcessTimeout, Stderr: f.status().writer(f.IO.ErrOut)})
	done()
	var timeout *helperproc.TimeoutError
	switch {
	case errors.As(err, &timeout):
		return "", &mfaCodeError{profile: hop.Profile, serial: hop.MFASerial, reason: "its mfa_process " + timeout.Error()}
	case err != nil:
		return "", &mfaCodeError{profile: hop.Profile, serial: hop.MFASerial, reason: fmt.Sprintf("its mfa_process failed: %v", err)}
	}
	code := strings.TrimSpace(string(out))
	if !mfaCodePattern.MatchString(code) {
		return "", &mfaCodeError{profile: hop.Profile, serial: hop.MFASerial, reason: "its mfa_process did not print a 6-digit code"}
	}
	return code, nil
}
