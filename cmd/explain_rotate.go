package cmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/awskeep/awskeep/sts"
)

func explainRotateError(err error, hc hintContext) (explanation, bool) {
	var rotErr *sts.RotateError
	var full *sts.KeySlotsFullError
	var notUser *sts.NotAUserKeyError
	var source *rotateSourceError
	switch {
	case errors.As(err, &rotErr):
		return explainStoppedRotation(rotErr, hc), true
	case errors.As(err, &full):
		return explainFullKeySlots(full), true
	case errors.As(err, &notUser):
		return explanation{message: notUser.Error(), code: exitFailure, hints: []string{
			"Rotate the key of the IAM user it comes from, or ask the administrator who issued it.",
		}}, true
	case errors.As(err, &source):
		return explanation{message: source.Error(), code: exitFailure, hints: []string{
			fmt.Sprintf("Rotate that key: awskeep rotate %s", source.source),
		}}, true
	}
	return explanation{}, false
}

// explainStoppedRotation explains the cause, then where the rotation stands.
func explainStoppedRotation(e *sts.RotateError, hc hintContext) explanation {
	inner := explainFor(e.Err, hc.forProfile(e.Profile))
	stored := sts.MaskKeyID(e.StoredKeyID)
	out := explanation{code: inner.code, hints: inner.hints}
	var denied *sts.AccessDeniedError
	if errors.As(e.Err, &denied) && !denied.MFASent {
		out.hints = append(out.hints,
			"Rotating needs iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on the key's own user",
			"  (Resource arn:aws:iam::*:user/${aws:username}); iam:GetAccessKeyLastUsed helps explain a full key slot.")
	}
	if e.Step == "" || e.Step == sts.RotateChecked { // nothing written yet
		out.message = fmt.Sprintf("cannot rotate the key of %s: %s", e.Profile, inner.message)
		out.hints = append(out.hints, fmt.Sprintf("Nothing was changed: profile %s still holds key %s.", e.Profile, stored))
		return out
	}
	out.message = fmt.Sprintf("the rotation of %s stopped after step %q: %s", e.Profile, e.Step, inner.message)
	out.hints = append(out.hints,
		fmt.Sprintf("Profile %s holds key %s, which AWS accepts. The keyring's journal records where the rotation stopped;", e.Profile, stored),
		fmt.Sprintf("  run 'awskeep rotate %s' again to finish it.", e.Profile))
	return out
}

func explainFullKeySlots(e *sts.KeySlotsFullError) explanation {
	out := explanation{message: e.Error() + ", so no new key can be made", code: exitFailure}
	user := ""
	if e.UserName != "" {
		user = " --user-name " + e.UserName
	}
	for _, k := range e.Others {
		out.hints = append(out.hints, fmt.Sprintf("Other key %s: %s, created %s, %s.",
			sts.MaskKeyID(k.KeyID), strings.ToLower(k.Status), rotateDate(k.Created), rotateLastUse(k)))
	}
	out.hints = append(out.hints,
		fmt.Sprintf("If nothing needs the other key, delete it with 'aws iam delete-access-key%s --access-key-id' and its full id,", user),
		fmt.Sprintf("  which 'aws iam list-access-keys%s' shows (it ends in %s); then run 'awskeep rotate %s' again.", user, rotateLastFour(e.Others), e.Profile))
	return out
}

func rotateLastUse(k sts.AccessKeyUse) string {
	switch {
	case !k.LastUsedKnown:
		return "last use unknown (no permission for iam:GetAccessKeyLastUsed)"
	case k.LastUsed.IsZero():
		return "never used"
	case k.LastUsedService != "":
		return fmt.Sprintf("last used %s with %s", rotateDate(k.LastUsed), k.LastUsedService)
	}
	return "last used " + rotateDate(k.LastUsed)
}

func rotateDate(t time.Time) string {
	if t.IsZero() {
		return "at an unknown date"
	}
	return t.Local().Format(time.DateTime)
}

func rotateLastFour(keys []sts.AccessKeyUse) string {
	if len(keys) == 0 || len(keys[0].KeyID) < 4 {
		return "…"
	}
	id := keys[0].KeyID
	return id[len(id)-4:]
}
