package cmd

import (
	"errors"
	"fmt"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
)

func explainAWSError(err error, hc hintContext) (explanation, bool) {
	var notStored *keyNotStoredError
	var used *sts.CredentialsError
	profile := hc.profile
	if errors.As(err, &notStored) {
		profile = notStored.profile
	}
	if errors.As(err, &used) {
		profile = used.Owner
	}
	var rejected *sts.RejectedKeyError
	var denied *sts.AccessDeniedError
	var skew *sts.ClockSkewError
	var throttled *sts.ThrottledError
	var unreachable *sts.UnreachableError
	var expired *sts.ExpiredTokenError
	var api *sts.APIError
	var bad *sts.BadAnswerError
	switch {
	case errors.As(err, &rejected):
		return explainRejectedKey(rejected, profile, notStored, used, hc), true
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
		e := explanation{
			message: during(err, hc, fmt.Sprintf("cannot reach AWS at %s: %v", unreachable.Endpoint, unreachable.Err)),
			hints:   []string{"Check the network, a proxy (HTTPS_PROXY), or AWS_ENDPOINT_URL / endpoint_url if you set one."},
			code:    exitFailure,
		}
		if notStored != nil && hc.has("no-verify") {
			e.hints = append(e.hints, "Nothing was stored; run it again with --no-verify to store the key without checking it.")
		}
		return e, true
	case errors.As(err, &api):
		e := explanation{message: during(err, hc, fmt.Sprintf("AWS answered %s with %s: %s", api.Operation, api.Code, api.Message)), code: exitFailure}
		if api.HTTPStatus >= 500 {
			e.hints = append(e.hints, "AWS failed on its side; try again in a minute.")
		}
		if api.RequestID != "" {
			e.hints = append(e.hints, "AWS's request id, for AWS support: "+api.RequestID+".")
		}
		if notStored != nil {
			e.hints = append(e.hints, "Nothing was stored.")
		}
		return e, true
	case errors.As(err, &bad):
		e := explanation{message: during(err, hc, fmt.Sprintf("the answer to %s from %s (HTTP %d) is not one AWS gives", bad.Operation, bad.Endpoint, bad.HTTPStatus)), code: exitFailure,
			hints: []string{"Something other than AWS answered: check AWS_ENDPOINT_URL / endpoint_url if you set one, and a proxy (HTTPS_PROXY)."}}
		if bad.HTTPStatus >= 500 {
			e.hints = append(e.hints, fmt.Sprintf("If it is AWS, it failed on its side (%d attempt%s); try again in a minute.", bad.Attempts, plural(bad.Attempts)))
		}
		if notStored != nil {
			nothing := "Nothing was stored."
			if hc.has("no-verify") {
				nothing = "Nothing was stored; --no-verify stores the key without checking it."
			}
			e.hints = append(e.hints, nothing)
		}
		return e, true
	case errors.As(err, &expired):
		return explanation{message: "the session token has expired: " + expired.Error(), hints: []string{hc.freshSession(profile)}, code: exitFailure}, true
	}
	return explanation{}, false
}

func explainRejectedKey(r *sts.RejectedKeyError, owner string, notStored *keyNotStoredError, used *sts.CredentialsError, hc hintContext) explanation {
	masked := sts.MaskKeyID(r.KeyID)
	whose := "the key " + masked
	if owner != "" {
		whose = fmt.Sprintf("the key of profile %s (%s", owner, masked)
		if used != nil && !used.AddedAt.IsZero() {
			whose += ", added here " + used.AddedAt.Format("2006-01-02")
		}
		whose += ")"
	}
	e := explanation{code: exitRejected}
	if used != nil && used.Kind == profiles.SourceProcess {
		e.message = fmt.Sprintf("AWS rejected the credentials %s that the credential_process of profile %s gave (%s)", masked, owner, r.Code)
		e.hints = append(e.hints,
			"Check the tool behind: credential_process = "+used.Command,
			fmt.Sprintf("awskeep uses it because no key is stored for %s; store one with 'awskeep add %s'.", owner, owner))
		return e
	}
	if r.WithSessionToken {
		e.message = fmt.Sprintf("AWS rejected a cached session made from %s (%s)", whose, r.Code)
		e.hints = append(e.hints, hc.freshSession(owner))
		return e
	}
	add, remove := "'awskeep add'", "'awskeep remove'"
	if owner != "" {
		add, remove = "'awskeep add "+argQuote(owner)+"'", "'awskeep remove "+argQuote(owner)+"'"
	}
	if notStored != nil {
		add = "awskeep add" // the command that just ran; say how to run it again
		if owner != "" {
			add += " " + argQuote(owner)
		}
		add = "'" + add + "'"
	}
	switch {
	case r.WrongSecret():
		e.message = fmt.Sprintf("AWS rejected %s: the stored secret access key does not belong to this key id (%s)", whose, r.Code)
		if notStored != nil {
			e.message = fmt.Sprintf("AWS rejected %s: the secret access key does not belong to this key id (%s)", whose, r.Code)
		}
		e.hints = append(e.hints, "Store the key again with its matching secret: "+add+".")
	case notStored != nil:
		e.message = fmt.Sprintf("AWS rejected %s: the key was deleted or deactivated (revoked) in IAM, or never existed (%s)", whose, r.Code)
		e.hints = append(e.hints, "Check that the key id was copied whole, or get a new key from an administrator and run "+add+" with it.")
	default:
		e.message = fmt.Sprintf("AWS rejected %s: the key was deleted or deactivated (revoked) in IAM, or never existed (%s)", whose, r.Code)
		if used != nil {
			e.hints = append(e.hints, "Sessions issued before the key was revoked keep working until they expire; awskeep dropped this key's cached sessions"+fmt.Sprintf(" (%d).", used.Dropped))
		}
		e.hints = append(e.hints,
			"Fix: get a new key from an administrator and store it with "+add+",",
			"  or forget this one with "+remove+".")
	}
	if used != nil && used.Profile != "" && used.Profile != owner {
		e.hints = append(e.hints, fmt.Sprintf("(Profile %s gets its key from %s.)", used.Profile, owner))
	}
	if notStored != nil {
		e.hints = append(e.hints, "Nothing was stored.")
	}
	return e
}

// during puts what awskeep was doing, and for which profile, in front of
// the failure of an AWS call: "getting credentials for profile prod: ...".
func during(err error, hc hintContext, failure string) string {
	if d := doing(err, hc); d != "" {
		return d + ": " + failure
	}
	return failure
}

// doing says what awskeep was doing when err happened, or "" when the
// message around it says so already (a rotation) or nothing is known.
func doing(err error, hc hintContext) string {
	var notStored *keyNotStoredError
	var used *sts.CredentialsError
	errors.As(err, &used)
	switch {
	case errors.As(err, &notStored):
		return "checking the key for profile " + notStored.profile + " with AWS"
	case hc.is("doctor") && used != nil && used.Profile != "":
		return "checking the key of profile " + used.Profile
	case used != nil && used.Profile != "" && used.Owner != "" && used.Owner != used.Profile:
		return fmt.Sprintf("getting credentials for profile %s (through %s)", used.Profile, used.Owner)
	case used != nil && used.Profile != "":
		return "getting credentials for profile " + used.Profile
	case hc.is("doctor") && hc.profile != "":
		return "checking the key of profile " + hc.profile
	}
	return ""
}
