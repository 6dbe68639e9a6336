package cmd

import (
	"errors"
	"fmt"
	"time"

	"github.com/awskeep/awskeep/sts"
)

func init() { explainers = append(explainers, explainAWSError) }

func explainAWSError(err error) (explanation, bool) {
	var notStored *keyNotStoredError
	profile := ""
	if errors.As(err, &notStored) {
		profile = notStored.profile
	}
	var rejected *sts.RejectedKeyError
	var denied *sts.AccessDeniedError
	var skew *sts.ClockSkewError
	var throttled *sts.ThrottledError
	var unreachable *sts.UnreachableError
	var expired *sts.ExpiredTokenError
	switch {
	case errors.As(err, &rejected):
		return explainRejectedKey(rejected, profile, notStored != nil), true
	case errors.As(err, &denied):
		e := explanation{message: fmt.Sprintf("AWS denied %s: %s", denied.Operation, denied.Message), code: exitFailure}
		if denied.MFASent {
			e.hints = append(e.hints,
				"An MFA code was sent: it may be wrong or already used (wait for the next one), the mfa_serial may not be the device assigned to this user, or this machine's clock may be off.",
				"Local time now: "+time.Now().Format(time.RFC3339))
		} else {
			e.hints = append(e.hints, "The key works but lacks permission for this call; ask an administrator for it.")
		}
		return e, true
	case errors.As(err, &skew):
		return explanation{
			message: "AWS rejected the request because this machine's clock is off (" + skew.Error() + ")",
			hints:   []string{"Local time now: " + time.Now().Format(time.RFC3339) + ". Sync the clock (e.g. timedatectl set-ntp true) and try again."},
			code:    exitFailure,
		}, true
	case errors.As(err, &throttled):
		return explanation{message: "AWS is throttling requests and retries did not get through: " + throttled.Error(), hints: []string{"Wait a minute and try again."}, code: exitFailure}, true
	case errors.As(err, &unreachable):
		return explanation{
			message: fmt.Sprintf("cannot reach AWS at %s: %v", unreachable.Endpoint, unreachable.Err),
			hints:   []string{"Check the network, a proxy (HTTPS_PROXY), or AWS_ENDPOINT_URL / endpoint_url if you set one. 'awskeep add --no-verify' stores a key without checking it."},
			code:    exitFailure,
		}, true
	case errors.As(err, &expired):
		return explanation{message: "the session token has expired: " + expired.Error(), hints: []string{"Run the command again with --refresh for a new session."}, code: exitFailure}, true
	}
	return explanation{}, false
}

func explainRejectedKey(r *sts.RejectedKeyError, profile string, notStored bool) explanation {
	owner := "this key"
	if profile != "" {
		owner = "the key of profile " + profile
	}
	masked := sts.MaskKeyID(r.KeyID)
	e := explanation{code: exitRejected}
	if r.WrongSecret() {
		e.message = fmt.Sprintf("AWS rejected %s (%s): the secret access key does not belong to this key id (%s)", owner, masked, r.Code)
		e.hints = append(e.hints, "Check that the secret was pasted whole and belongs to this key id.")
	} else {
		e.message = fmt.Sprintf("AWS rejected %s (%s): the key was deleted or deactivated (revoked) in IAM, or never existed (%s)", owner, masked, r.Code)
		e.hints = append(e.hints, "Ask an administrator for a new key, or create one in IAM if you may.")
	}
	if notStored {
		e.hints = append(e.hints, "Nothing was stored. Use --no-verify to store a key without checking it.")
	}
	return e
}
