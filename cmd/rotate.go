package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type rotateOptions struct {
	f        *factory
	Profile  string
	MFAToken string

	// afterStep is the fault-injection hook of tests; nil takes the one
	// of a binary built for the end-to-end tests (rotate_testhooks.go), in
	// the shipped binary none.
	afterStep func(sts.RotateStep) error
	// verifyTimeout and verifyDelay bound the wait for a new key to
	// propagate; zero takes sts's defaults.
	verifyTimeout, verifyDelay time.Duration
}

func newRotateCmd(f *factory, runF func(context.Context, *rotateOptions) error) *cobra.Command {
	opts := &rotateOptions{f: f}
	c := &cobra.Command{
		Use:   "rotate [PROFILE] [--mfa-token CODE]",
		Short: "Replace a profile's stored key with a new one from IAM, safely",
		Long: `Replace the access key stored for PROFILE with a new one, through IAM:

  1. check that the IAM user has a free key slot (IAM allows two keys per user)
  2. create a new key (CreateAccessKey)
  3. store it in the keyring beside the old key, which stays the profile's key
  4. verify it with STS GetCallerIdentity, waiting while IAM propagates it
  5. make it the profile's key
  6. delete the old key in IAM, signed with the new key (or, for a profile with
     mfa_serial, with the run's one MFA session)
  7. drop the cached sessions made from the old key

A journal in the keyring records each step. If a rotation is interrupted, the
profile still holds a key AWS accepts, and running 'awskeep rotate PROFILE' again
says what it found and finishes the rotation.

The key needs iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on its
own user (iam:GetAccessKeyLastUsed helps explain a full key slot). When the profile
has mfa_serial, every IAM call goes through one session taken with one MFA code.`,
		Example: `  awskeep rotate work
  awskeep rotate work --mfa-token 123456`,
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOrPicker)
			if err != nil {
				return err
			}
			opts.Profile = profile
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runRotate(c.Context(), opts)
		},
	}
	c.Flags().StringVarP(&opts.MFAToken, "mfa-token", "t", "", "MFA code, when the profile has mfa_serial")
	return c
}

func runRotate(ctx context.Context, opts *rotateOptions) error {
	f := opts.f
	afterStep := opts.afterStep
	if afterStep == nil {
		hook, err := rotateTestHook(ctx, f)
		if err != nil {
			return err
		}
		afterStep = hook
	}
	set, err := f.Profiles()
	if err != nil {
		return err
	}
	chain, err := set.Resolve(opts.Profile)
	if err != nil {
		return err
	}
	hop := chain.Source()
	if hop.Profile != opts.Profile {
		return &rotateSourceError{profile: opts.Profile, source: hop.Profile}
	}
	store, err := f.Vault()
	if err != nil {
		return err
	}
	r := &sts.Rotator{
		Store:         store,
		Config:        sts.ClientConfigFor(f.Getenv, profiles.ChainOf(hop)),
		Hop:           hop,
		MFA:           f.mfaCode,
		MFAToken:      opts.MFAToken,
		OnEvent:       func(ev sts.RotateEvent) { printRotateEvent(f.IO.ErrOut, ev) },
		AfterStep:     afterStep,
		VerifyTimeout: opts.verifyTimeout,
		VerifyDelay:   opts.verifyDelay,
		Log:           f.Log,
		Waiting:       f.status().waiting,
	}
	res, err := r.Rotate(ctx)
	var notFound *vault.NotFoundError
	if errors.As(err, &notFound) && notFound.Kind == "key" {
		return &sts.NoStoredKeyError{Profile: opts.Profile, Owner: opts.Profile, Backend: store.Backend()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Rotated key of %s: %s → %s (old key deleted in IAM)\n",
		res.Profile, sts.MaskKeyID(res.OldKeyID), sts.MaskKeyID(res.NewKeyID))
	return nil
}

// printRotateEvent writes one line per step.
func printRotateEvent(w io.Writer, ev sts.RotateEvent) {
	oldKey, newKey := sts.MaskKeyID(ev.OldKeyID), sts.MaskKeyID(ev.NewKeyID)
	var line string
	switch ev.Step {
	case sts.RotateResuming:
		line = fmt.Sprintf("Found an interrupted rotation of %s (started %s, last step %q): %s",
			ev.Profile, ev.Journal.StartedAt.Local().Format(time.DateTime), ev.Journal.Step, resumePlan(ev, oldKey, newKey))
	case sts.RotateAbandoned:
		if ev.Reason == sts.ReasonNewKeyGone {
			line = fmt.Sprintf("IAM no longer lists the new key %s; dropping the journal and starting over.", newKey)
		} else {
			line = fmt.Sprintf("The journal names keys profile %s no longer holds (someone stored another key); dropping it and starting over.", ev.Profile)
		}
	case sts.RotateDiscarded:
		line = fmt.Sprintf("Deleted key %s in IAM: the interrupted rotation created it and its secret was never stored.", newKey)
	case sts.RotateChecked:
		line = fmt.Sprintf("Checked IAM: %s is the only key of %s, so a new one fits.", oldKey, userLabel(ev.UserName))
	case sts.RotateStarted:
		line = "Recorded the rotation in the keyring's journal."
	case sts.RotateCreated:
		line = fmt.Sprintf("Created the new key %s in IAM.", newKey)
	case sts.RotateStored:
		line = fmt.Sprintf("Stored the new key beside the old one; %s stays the profile's key until the new one is proven.", oldKey)
	case sts.RotateVerified:
		line = "Verified the new key with STS GetCallerIdentity"
		if ev.Attempts > 1 {
			line += fmt.Sprintf(" (after %d tries while IAM propagated it)", ev.Attempts)
		}
		line += "."
	case sts.RotatePromoted:
		line = fmt.Sprintf("Profile %s now uses the new key %s.", ev.Profile, newKey)
	case sts.RotateOldDeleted:
		if ev.AlreadyGone {
			line = fmt.Sprintf("The old key %s was already deleted in IAM.", oldKey)
		} else {
			line = fmt.Sprintf("Deleted the old key %s in IAM.", oldKey)
		}
	case sts.RotatePurged:
		line = fmt.Sprintf("Dropped %d cached session%s made from the old key.", ev.Sessions, plural(ev.Sessions))
	default:
		return
	}
	fmt.Fprintln(w, line)
}

// resumePlan says what a rotation found in its journal will finish.
func resumePlan(ev sts.RotateEvent, oldKey, newKey string) string {
	switch sts.RotateStep(ev.Journal.Step) {
	case sts.RotateStarted:
		return "IAM may hold a new key whose secret was never stored; deleting it with the old key and starting over."
	case sts.RotateStored:
		return fmt.Sprintf("the new key %s is stored beside the old %s but not verified; verifying it and finishing.", newKey, oldKey)
	case sts.RotateVerified:
		return fmt.Sprintf("the new key %s works; making it the profile's key and deleting the old %s.", newKey, oldKey)
	case sts.RotatePromoted:
		return fmt.Sprintf("the profile uses the new key %s; deleting the old %s in IAM.", newKey, oldKey)
	case sts.RotateOldDeleted:
		return fmt.Sprintf("the old key %s is deleted; dropping its cached sessions.", oldKey)
	}
	return "finishing it."
}

func userLabel(userName string) string {
	if userName == "" {
		return "the root user"
	}
	return "IAM user " + userName
}

// rotateSourceError: the profile gets its key from another profile, whose
// key is the one to rotate.
type rotateSourceError struct{ profile, source string }

func (e *rotateSourceError) Error() string {
	return fmt.Sprintf("profile %s has no key of its own: it gets its key from profile %s", e.profile, e.source)
}
