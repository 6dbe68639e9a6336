package sts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// Key rotation as a transaction. The profile's stored key always holds a
// key AWS accepts: the old key until the new one is proven, then the new
// one; the old key is deleted in IAM only after that. A journal in the
// keyring records the last step completed, and holds the new key beside
// the old until it is promoted, so a rotation that dies anywhere is
// finished by the next Rotate.

// RotateStep names a step of a rotation. The journal records the ones
// marked "(journal)"; the others are reported and are places the AfterStep
// hook can stop at.
type RotateStep string

const (
	RotateChecked    RotateStep = "checked"     // IAM lists a free key slot
	RotateStarted    RotateStep = "started"     // (journal) CreateAccessKey is about to be, or may have been, called
	RotateCreated    RotateStep = "created"     // IAM created the new key; its secret is only in memory
	RotateStored     RotateStep = "stored"      // (journal) the new key is stored beside the old one
	RotateVerified   RotateStep = "verified"    // (journal) STS accepts the new key
	RotatePromoted   RotateStep = "promoted"    // (journal) the profile's key is the new one
	RotateOldDeleted RotateStep = "old-deleted" // (journal) the old key is deleted in IAM
	RotatePurged     RotateStep = "purged"      // the old key's cached sessions are dropped
	RotateDone       RotateStep = "done"        // the journal is dropped
)

// RotateSteps lists the steps in order.
var RotateSteps = []RotateStep{RotateChecked, RotateStarted, RotateCreated, RotateStored,
	RotateVerified, RotatePromoted, RotateOldDeleted, RotatePurged, RotateDone}

// Events of a rotation that are not steps.
const (
	// RotateResuming: a journal was found; Event.Journal holds it.
	RotateResuming RotateStep = "resuming"
	// RotateDiscarded: a new key whose secret was lost (created, never
	// stored) was deleted in IAM; Event.NewKeyID names it.
	RotateDiscarded RotateStep = "discarded"
	// RotateAbandoned: the journal no longer applies (Event.Reason) and
	// was dropped; the rotation starts over.
	RotateAbandoned RotateStep = "abandoned"
)

// Reasons for RotateAbandoned.
const (
	// ReasonStoredKeyChanged: the profile's stored key is neither the
	// journal's old nor its new key (someone ran awskeep add meanwhile).
	ReasonStoredKeyChanged = "stored key changed"
	// ReasonNewKeyGone: IAM no longer lists the journal's new key.
	ReasonNewKeyGone = "new key gone"
)

// RotateEvent reports progress: one per step done, plus the events above.
type RotateEvent struct {
	Step     RotateStep
	Profile  string
	UserName string
	OldKeyID string
	NewKeyID string
	// Attempts is how many GetCallerIdentity calls verifying took.
	Attempts int
	// Sessions is how many cached sessions were purged.
	Sessions int
	// AlreadyGone: the old key was already deleted in IAM (NoSuchEntity).
	AlreadyGone bool
	Reason      string
	Journal     *vault.RotationJournal
}

// RotationStore is the part of *vault.Store that Rotate uses.
type RotationStore interface {
	Key(profile string) (vault.Key, error)
	PutKey(vault.Key) error
	RotationJournal(profile string) (vault.RotationJournal, error)
	PutRotationJournal(vault.RotationJournal) error
	DeleteRotationJournal(profile string) error
	DeleteSessions(match func(vault.SessionInfo) bool) (int, error)
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

var _ RotationStore = (*vault.Store)(nil)

// Defaults for the wait while IAM propagates a new key (real AWS takes
// seconds before STS accepts it).
const (
	DefaultVerifyTimeout = 30 * time.Second
	DefaultVerifyDelay   = 1 * time.Second
	maxVerifyDelay       = 5 * time.Second
	// orphanSlack allows for clock skew when deciding that a key IAM
	// lists was created by an interrupted rotation.
	orphanSlack = 5 * time.Minute
	// iamSessionDuration is the MFA session that signs a rotation's IAM
	// calls; 15 minutes is STS's minimum and plenty.
	iamSessionDuration = 15 * time.Minute
)

// Rotator replaces a profile's stored key with a new one from IAM.
type Rotator struct {
	Store  RotationStore
	Config ClientConfig
	// Hop is the profile whose stored key rotates; its MFASerial, when
	// set, makes every IAM call of the run go through one MFA session.
	Hop profiles.Hop
	// MFA supplies the one code; MFAToken, when set, is used instead.
	MFA      MFACode
	MFAToken string
	// OnEvent receives progress; nil discards it.
	OnEvent func(RotateEvent)
	// AfterStep, when set, runs after each step is done and recorded; an
	// error stops the rotation there, as a crash would (fault injection).
	AfterStep func(RotateStep) error
	// VerifyTimeout bounds the wait for STS to accept the new key;
	// VerifyDelay is the first pause between tries, doubling to 5 s.
	VerifyTimeout time.Duration
	VerifyDelay   time.Duration
	// Now is the clock (journal times, the verify deadline) and Sleep the
	// pause between verify attempts; nil means the real ones. Tests pass a
	// fake pair so waiting costs no wall time.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	Log   *slog.Logger
	// Waiting is told about the waits on AWS (IAM and STS calls, IAM
	// propagating the new key) and names the purpose of the rotation
	// lock; nil tells nobody.
	Waiting WaitFunc
}

// RotateResult is what a completed rotation did.
type RotateResult struct {
	Profile  string
	UserName string
	OldKeyID string
	NewKeyID string
	// Resumed: the run finished a rotation found in the journal.
	Resumed bool
	// OldKeyAlreadyGone: IAM had already deleted the old key.
	OldKeyAlreadyGone bool
	SessionsPurged    int
}

// Rotate rotates the key stored for r.Hop.Profile, or finishes the
// rotation its journal records. Errors: *RotateError wrapping the cause
// (classify's errors, *KeySlotsFullError, *NotAUserKeyError,
// *KeyNotListedError, *NoMFACodeError, vault errors, AfterStep's error);
// a *vault.NotFoundError when the profile has no stored key.
func (r *Rotator) Rotate(ctx context.Context) (RotateResult, error) {
	profile := r.Hop.Profile
	unlock, err := r.Store.Lock(lockFor(ctx, "rotating "+profile+"'s key"), "rotate-"+profile)
	if err != nil {
		return RotateResult{}, fmt.Errorf("waiting for another rotation of profile %s: %w", profile, err)
	}
	defer unlock()

	stored, err := r.Store.Key(profile)
	if err != nil {
		return RotateResult{}, err
	}
	run := &rotation{r: r, ctx: ctx, stored: stored, log: r.log().With("profile", profile)}
	run.res = RotateResult{Profile: profile, OldKeyID: stored.AccessKeyID}
	j, err := r.Store.RotationJournal(profile)
	var notFound *vault.NotFoundError
	switch {
	case errors.As(err, &notFound):
		run.j = vault.RotationJournal{Profile: profile, OldKeyID: stored.AccessKeyID}
	case err != nil:
		return run.res, run.fail(err)
	default:
		if err := run.adopt(j); err != nil {
			return run.res, run.fail(err)
		}
	}
	if err := run.identify(); err != nil {
		return run.res, run.fail(err)
	}
	if err := run.finish(); err != nil {
		return run.res, run.fail(err)
	}
	return run.res, nil
}

// rotation is the state of one Rotate.
type rotation struct {
	r      *Rotator
	ctx    context.Context
	log    *slog.Logger
	stored vault.Key             // the profile's key entry as it is now
	j      vault.RotationJournal // Step "" before the journal is written
	id     Identity              // who the stored key signs as
	last   RotateStep            // the last step completed
	// mfaSession signs IAM calls once taken (profiles with mfa_serial).
	mfaSession *StaticKey
	res        RotateResult
}

// adopt takes over a journal found at the start, reconciling it with the
// stored key: a crash between promoting and recording it leaves the new
// key stored under a journal that says "verified".
func (run *rotation) adopt(j vault.RotationJournal) error {
	run.emit(RotateEvent{Step: RotateResuming, Journal: &j, OldKeyID: j.OldKeyID, NewKeyID: j.NewKey.AccessKeyID})
	run.res.Resumed = true
	run.res.OldKeyID, run.res.NewKeyID = j.OldKeyID, j.NewKey.AccessKeyID
	run.last = RotateStep(j.Step)
	storedID := run.stored.AccessKeyID
	switch {
	case storedID == j.NewKey.AccessKeyID && storedID != "":
		if stepIndex(RotateStep(j.Step)) < stepIndex(RotatePromoted) {
			j.Step = string(RotatePromoted)
		}
	case storedID == j.OldKeyID && stepIndex(RotateStep(j.Step)) < stepIndex(RotatePromoted):
	default:
		// The user stored another key meanwhile: it is theirs to keep, and
		// the journal speaks of keys the profile no longer holds.
		run.emit(RotateEvent{Step: RotateAbandoned, Reason: ReasonStoredKeyChanged, OldKeyID: j.OldKeyID, NewKeyID: j.NewKey.AccessKeyID})
		if err := run.r.Store.DeleteRotationJournal(j.Profile); err != nil {
			return err
		}
		run.res.Resumed, run.last = false, ""
		run.res.OldKeyID, run.res.NewKeyID = storedID, ""
		j = vault.RotationJournal{Profile: j.Profile, OldKeyID: storedID}
	}
	run.j = j
	return nil
}

// identify asks STS who the stored key is: the user whose keys rotate, and
// proof that the stored key works before anything changes.
func (run *rotation) identify() error {
	done := run.r.Waiting.start("asking AWS STS whose key " + run.stored.Profile + " holds")
	id, err := GetCallerIdentity(run.ctx, run.r.Config, staticOf(run.stored))
	done()
	if err != nil {
		return err
	}
	if id.UserName == "" && !id.IsRoot {
		return &NotAUserKeyError{Profile: run.stored.Profile, ARN: id.ARN}
	}
	run.id = id
	if run.j.UserName == "" {
		run.j.UserName = id.UserName
	}
	run.res.UserName = run.j.UserName
	return nil
}

// finish runs the steps from the journal's to the end.
func (run *rotation) finish() error {
	for {
		var err error
		switch RotateStep(run.j.Step) {
		case "":
			err = run.begin()
		case RotateStarted:
			err = run.discardLostKey()
		case RotateStored:
			err = run.verify()
		case RotateVerified:
			err = run.promote()
		case RotatePromoted:
			err = run.deleteOld()
		case RotateOldDeleted:
			return run.purge()
		default:
			return fmt.Errorf("the rotation journal records an unknown step %q", run.j.Step)
		}
		if err != nil {
			return err
		}
	}
}

// begin checks the key slots, records the start, creates the new key and
// stores it beside the old one.
func (run *rotation) begin() error {
	keys, err := run.listKeys()
	if err != nil {
		return err
	}
	var others []AccessKeyUse
	listed := false
	for _, k := range keys {
		if k.KeyID == run.stored.AccessKeyID {
			listed = true
		} else {
			others = append(others, k)
		}
	}
	if !listed {
		return &KeyNotListedError{KeyID: run.stored.AccessKeyID, UserName: run.j.UserName}
	}
	if len(others) > 0 {
		return run.slotsFull(others)
	}
	if err := run.done(RotateChecked, RotateEvent{}); err != nil {
		return err
	}

	now := run.now()
	run.j = vault.RotationJournal{Profile: run.stored.Profile, OldKeyID: run.stored.AccessKeyID,
		UserName: run.j.UserName, Step: string(RotateStarted), StartedAt: now, UpdatedAt: now}
	if err := run.r.Store.PutRotationJournal(run.j); err != nil {
		return err
	}
	if err := run.done(RotateStarted, RotateEvent{}); err != nil {
		return err
	}

	signer, err := run.iamSigner()
	if err != nil {
		return err
	}
	done := run.r.Waiting.start("asking AWS IAM for a new key for " + run.stored.Profile)
	created, createdAt, err := createAccessKey(run.ctx, run.r.Config, signer, run.j.UserName)
	done()
	if err != nil {
		return err
	}
	run.res.NewKeyID = created.AccessKeyID
	if err := run.done(RotateCreated, RotateEvent{}); err != nil {
		return err
	}

	newKey := vault.Key{Profile: run.stored.Profile, AccessKeyID: created.AccessKeyID, SecretAccessKey: created.SecretAccessKey,
		CreatedAt: createdAt.UTC(), CreatedFromIAM: !createdAt.IsZero(), AddedAt: now.UTC(),
		Account: run.id.Account, ARN: run.id.ARN, UserName: run.id.UserName}
	if newKey.CreatedAt.IsZero() {
		newKey.CreatedAt = now.UTC()
	}
	run.j.NewKey = newKey
	if err := run.record(RotateStored); err != nil {
		// The secret exists nowhere else: take the key back out of IAM
		// now, or the next run finds it as a lost key and does so.
		if _, derr := deleteAccessKey(run.ctx, run.r.Config, signer, run.j.UserName, created.AccessKeyID); derr != nil {
			run.log.Warn("could not delete the new key after failing to store it", "key", MaskKeyID(created.AccessKeyID), "err", derr)
		}
		return err
	}
	return run.done(RotateStored, RotateEvent{})
}

// discardLostKey handles a journal that stopped at "started": IAM may hold
// a new key whose secret was never stored. Any key created since the
// rotation started is that key; delete it and start over.
func (run *rotation) discardLostKey() error {
	keys, err := run.listKeys()
	if err != nil {
		return err
	}
	signer, err := run.iamSigner()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.KeyID == run.j.OldKeyID || k.Created.Before(run.j.StartedAt.Add(-orphanSlack)) {
			continue
		}
		if _, err := deleteAccessKey(run.ctx, run.r.Config, signer, run.j.UserName, k.KeyID); err != nil {
			return err
		}
		run.emit(RotateEvent{Step: RotateDiscarded, NewKeyID: k.KeyID})
	}
	if err := run.r.Store.DeleteRotationJournal(run.stored.Profile); err != nil {
		return err
	}
	run.j = vault.RotationJournal{Profile: run.stored.Profile, OldKeyID: run.stored.AccessKeyID, UserName: run.j.UserName}
	run.last = ""
	run.res.NewKeyID = ""
	return nil
}

// verify waits until STS accepts the new key. A resumed run first checks
// that IAM still lists it: one deleted meanwhile would never verify.
func (run *rotation) verify() error {
	if run.res.Resumed && run.last == RotateStored {
		keys, err := run.listKeys()
		if err != nil {
			return err
		}
		if !listsKey(keys, run.j.NewKey.AccessKeyID) {
			run.emit(RotateEvent{Step: RotateAbandoned, Reason: ReasonNewKeyGone})
			if err := run.r.Store.DeleteRotationJournal(run.stored.Profile); err != nil {
				return err
			}
			run.j = vault.RotationJournal{Profile: run.stored.Profile, OldKeyID: run.stored.AccessKeyID, UserName: run.j.UserName}
			run.last, run.res.NewKeyID = "", ""
			return nil
		}
	}
	done := run.r.Waiting.start("waiting for AWS to accept " + run.stored.Profile + "'s new key (IAM propagates it)")
	attempts, err := run.waitAccepted(staticOf(run.j.NewKey))
	done()
	if err != nil {
		return err
	}
	if err := run.record(RotateVerified); err != nil {
		return err
	}
	return run.done(RotateVerified, RotateEvent{Attempts: attempts})
}

// waitAccepted calls GetCallerIdentity with key until STS accepts it,
// backing off while it answers that the key does not exist (IAM has not
// propagated it yet), for at most VerifyTimeout.
func (run *rotation) waitAccepted(key StaticKey) (int, error) {
	timeout, delay := run.r.VerifyTimeout, run.r.VerifyDelay
	if timeout <= 0 {
		timeout = DefaultVerifyTimeout
	}
	if delay <= 0 {
		delay = DefaultVerifyDelay
	}
	sleep := run.r.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	deadline := run.now().Add(timeout)
	for attempt := 1; ; attempt++ {
		_, err := GetCallerIdentity(run.ctx, run.r.Config, key)
		var rejected *RejectedKeyError
		if err == nil || !errors.As(err, &rejected) || !rejected.UnknownKey() || run.now().Add(delay).After(deadline) {
			return attempt, err
		}
		run.log.Debug("new key not accepted yet; waiting for IAM to propagate it", "attempt", attempt, "wait", delay)
		if err := sleep(run.ctx, delay); err != nil {
			return attempt, err
		}
		delay = min(2*delay, maxVerifyDelay)
	}
}

// promote makes the new key the profile's key, with IAM's creation date.
func (run *rotation) promote() error {
	newKey := run.j.NewKey
	newKey.Profile = run.stored.Profile
	if err := run.r.Store.PutKey(newKey); err != nil {
		return err
	}
	run.stored = newKey
	if err := run.record(RotatePromoted); err != nil {
		return err
	}
	return run.done(RotatePromoted, RotateEvent{})
}

// deleteOld deletes the old key in IAM, signed with the new key (which so
// proves it may use IAM) or the run's MFA session.
func (run *rotation) deleteOld() error {
	signer, err := run.iamSigner()
	if err != nil {
		return err
	}
	done := run.r.Waiting.start("asking AWS IAM to delete " + run.stored.Profile + "'s old key")
	gone, err := deleteAccessKey(run.ctx, run.r.Config, signer, run.j.UserName, run.j.OldKeyID)
	done()
	if err != nil {
		return err
	}
	run.res.OldKeyAlreadyGone = gone
	if err := run.record(RotateOldDeleted); err != nil {
		return err
	}
	return run.done(RotateOldDeleted, RotateEvent{AlreadyGone: gone})
}

// purge drops the old key's cached sessions, then the journal.
func (run *rotation) purge() error {
	old := run.j.OldKeyID
	n, err := run.r.Store.DeleteSessions(func(s vault.SessionInfo) bool { return s.SourceKeyID == old })
	if err != nil {
		return err
	}
	run.res.SessionsPurged = n
	if err := run.done(RotatePurged, RotateEvent{Sessions: n}); err != nil {
		return err
	}
	if err := run.r.Store.DeleteRotationJournal(run.stored.Profile); err != nil {
		return err
	}
	run.last = RotateDone
	run.emit(RotateEvent{Step: RotateDone})
	return nil
}

// slotsFull reports the other keys, with their last use when IAM tells.
func (run *rotation) slotsFull(others []AccessKeyUse) error {
	signer, err := run.iamSigner()
	if err == nil {
		for i := range others {
			if err := accessKeyLastUsed(run.ctx, run.r.Config, signer, &others[i]); err != nil {
				run.log.Debug("last use of the other key unknown", "key", MaskKeyID(others[i].KeyID), "err", err)
			}
		}
	}
	return &KeySlotsFullError{Profile: run.stored.Profile, UserName: run.j.UserName,
		StoredKeyID: run.stored.AccessKeyID, Others: others}
}

func (run *rotation) listKeys() ([]AccessKeyUse, error) {
	signer, err := run.iamSigner()
	if err != nil {
		return nil, err
	}
	defer run.r.Waiting.start("asking AWS IAM for " + run.stored.Profile + "'s keys")()
	return listAccessKeys(run.ctx, run.r.Config, signer, run.j.UserName)
}

// iamSigner is what signs IAM calls: the stored key (the old one before
// promotion, the new one after), or, for a profile with mfa_serial, one
// session taken with MFA from the stored key and kept for the whole run,
// so a rotation asks for at most one code.
func (run *rotation) iamSigner() (StaticKey, error) {
	if run.mfaSession != nil {
		return *run.mfaSession, nil
	}
	key := staticOf(run.stored)
	serial := run.r.Hop.MFASerial
	if serial == "" {
		return key, nil
	}
	code, err := run.mfaCode()
	if err != nil {
		return StaticKey{}, err
	}
	done := run.r.Waiting.start(stsCallWords(stepSessionToken, run.stored.Profile))
	creds, err := getSessionToken(run.ctx, run.r.Config, key, iamSessionDuration, serial, code)
	done()
	if err != nil {
		return StaticKey{}, err
	}
	run.mfaSession = &StaticKey{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}
	return *run.mfaSession, nil
}

func (run *rotation) mfaCode() (string, error) {
	hop := run.r.Hop
	if code := strings.TrimSpace(run.r.MFAToken); code != "" {
		return code, nil
	}
	if run.r.MFA == nil {
		return "", &NoMFACodeError{Profile: hop.Profile, Serial: hop.MFASerial}
	}
	code, err := run.r.MFA(run.ctx, hop)
	code = strings.TrimSpace(code)
	switch {
	case err != nil && run.ctx.Err() != nil:
		return "", fmt.Errorf("asking for an MFA code: %w", err)
	case err != nil:
		return "", &NoMFACodeError{Profile: hop.Profile, Serial: hop.MFASerial, Err: err}
	case code == "":
		return "", &NoMFACodeError{Profile: hop.Profile, Serial: hop.MFASerial, Err: errors.New("the MFA code is empty")}
	}
	return code, nil
}

// record writes the journal with step as the last step done.
func (run *rotation) record(step RotateStep) error {
	run.j.Step, run.j.UpdatedAt = string(step), run.now()
	return run.r.Store.PutRotationJournal(run.j)
}

// done reports step and gives the fault-injection hook its chance.
func (run *rotation) done(step RotateStep, ev RotateEvent) error {
	run.last = step
	ev.Step = step
	run.emit(ev)
	if run.r.AfterStep != nil {
		return run.r.AfterStep(step)
	}
	return nil
}

func (run *rotation) emit(ev RotateEvent) {
	ev.Profile = run.stored.Profile
	if ev.UserName == "" {
		ev.UserName = run.j.UserName
	}
	if ev.OldKeyID == "" {
		ev.OldKeyID = run.res.OldKeyID
	}
	if ev.NewKeyID == "" {
		ev.NewKeyID = run.res.NewKeyID
	}
	run.log.Debug("rotate", "step", ev.Step, "old", MaskKeyID(ev.OldKeyID), "new", MaskKeyID(ev.NewKeyID))
	if run.r.OnEvent != nil {
		run.r.OnEvent(ev)
	}
}

// fail wraps err with where the rotation stands.
func (run *rotation) fail(err error) error {
	return &RotateError{Profile: run.r.Hop.Profile, Step: run.last, StoredKeyID: run.stored.AccessKeyID,
		OldKeyID: run.res.OldKeyID, NewKeyID: run.res.NewKeyID, Err: err}
}

func (run *rotation) now() time.Time {
	if run.r.Now != nil {
		return run.r.Now()
	}
	return time.Now()
}

func (r *Rotator) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func staticOf(k vault.Key) StaticKey {
	return StaticKey{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
}

func listsKey(keys []AccessKeyUse, id string) bool {
	for _, k := range keys {
		if k.KeyID == id {
			return true
		}
	}
	return false
}

func stepIndex(s RotateStep) int {
	for i, step := range RotateSteps {
		if step == s {
			return i
		}
	}
	return -1
}
