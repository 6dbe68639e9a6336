package sts

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/internal/memvault"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// memStore is the in-memory store (memvault); vault's own tests cover the
// keyring side of the journal.
type memStore = memvault.Store

func newMemStore(k vault.Key) *memStore { return memvault.New(k) }

// rotatingUser is a moto user allowed to manage its own keys, with its key
// stored for profile "work".
func rotatingUser(t *testing.T) (awstest.User, *memStore) {
	t.Helper()
	u := moto.CreateUser(t, t.Name())
	moto.AllowUser(t, u, "iam:ListAccessKeys", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:GetAccessKeyLastUsed")
	store := newMemStore(vault.Key{Profile: "work", AccessKeyID: u.Key.AccessKeyID,
		SecretAccessKey: vault.Secret(u.Key.SecretAccessKey), UserName: u.Name, ARN: u.ARN})
	return u, store
}

func newRotator(store RotationStore) *Rotator {
	return &Rotator{Store: store, Config: motoConfig(), Hop: profiles.Hop{Profile: "work"},
		VerifyTimeout: 2 * time.Second, VerifyDelay: 10 * time.Millisecond}
}

// assertRotated checks the end state: IAM lists exactly the stored key,
// the old key is refused, no journal is left.
func assertRotated(t *testing.T, u awstest.User, store *memStore, oldKeyID string) vault.Key {
	t.Helper()
	stored, _ := store.Key("work")
	keys := moto.ListAccessKeys(t, u)
	if len(keys) != 1 || keys[0].ID != stored.AccessKeyID {
		t.Errorf("IAM lists %+v, want exactly the stored key %s", keys, stored.AccessKeyID)
	}
	if stored.AccessKeyID == oldKeyID {
		t.Error("the stored key is still the old one")
	}
	if _, err := GetCallerIdentity(context.Background(), motoConfig(), staticOf(stored)); err != nil {
		t.Errorf("the stored key does not work: %v", err)
	}
	var rejected *RejectedKeyError
	_, err := GetCallerIdentity(context.Background(), motoConfig(), StaticKey{AccessKeyID: oldKeyID, SecretAccessKey: "x"})
	if !errors.As(err, &rejected) || rejected.Code != "InvalidClientTokenId" {
		t.Errorf("old key: err = %v, want InvalidClientTokenId", err)
	}
	if _, err := store.RotationJournal("work"); err == nil {
		t.Error("the journal is left after the rotation")
	}
	return stored
}

func TestRotateEndToEnd(t *testing.T) {
	t.Parallel()
	u, store := rotatingUser(t)
	old := u.Key.AccessKeyID
	store.PutSession(vault.Session{ID: "s1", Profile: "work", SourceKeyID: old})
	store.PutSession(vault.Session{ID: "s2", Profile: "other", SourceKeyID: "AKIAOTHEROTHEROTHER1"})
	var steps []RotateStep
	r := newRotator(store)
	r.OnEvent = func(ev RotateEvent) { steps = append(steps, ev.Step) }
	before := time.Now().Add(-time.Minute)

	res, err := r.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stored := assertRotated(t, u, store, old)
	want := RotateResult{Profile: "work", UserName: u.Name, OldKeyID: old, NewKeyID: stored.AccessKeyID, SessionsPurged: 1}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	if !slices.Equal(steps, RotateSteps) {
		t.Errorf("events %v, want %v", steps, RotateSteps)
	}
	if !stored.CreatedFromIAM || stored.CreatedAt.Before(before) || stored.ARN != u.ARN || stored.UserName != u.Name {
		t.Errorf("stored key metadata = %+v", stored)
	}
	if left, _ := store.Sessions(); len(left) != 1 || left[0].ID != "s2" {
		t.Errorf("sessions after rotate = %+v, want only the other key's", left)
	}
}

var errInjected = errors.New("injected failure")

// TestRotateResumesAfterEveryStep stops a rotation after each step, checks
// that the stored key works at that point, and that a second run finishes.
func TestRotateResumesAfterEveryStep(t *testing.T) {
	t.Parallel()
	for _, stop := range RotateSteps[:len(RotateSteps)-1] {
		t.Run(string(stop), func(t *testing.T) {
			t.Parallel()
			u, store := rotatingUser(t)
			old := u.Key.AccessKeyID
			r := newRotator(store)
			r.AfterStep = func(s RotateStep) error {
				if s == stop {
					return errInjected
				}
				return nil
			}
			_, err := r.Rotate(context.Background())
			var rotErr *RotateError
			if !errors.As(err, &rotErr) || !errors.Is(err, errInjected) || rotErr.Step != stop {
				t.Fatalf("err = %v, want a *RotateError after %s wrapping the injected failure", err, stop)
			}
			stored, _ := store.Key("work")
			if rotErr.StoredKeyID != stored.AccessKeyID {
				t.Errorf("RotateError.StoredKeyID = %s, stored is %s", rotErr.StoredKeyID, stored.AccessKeyID)
			}
			if _, err := GetCallerIdentity(context.Background(), motoConfig(), staticOf(stored)); err != nil {
				t.Fatalf("after stopping at %s the stored key does not work: %v", stop, err)
			}

			var resumed []RotateStep
			r.AfterStep = nil
			r.OnEvent = func(ev RotateEvent) { resumed = append(resumed, ev.Step) }
			res, err := r.Rotate(context.Background())
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			assertRotated(t, u, store, old)
			if res.OldKeyID != old {
				t.Errorf("result OldKeyID = %s, want %s", res.OldKeyID, old)
			}
			if journaled := stop != RotateChecked; res.Resumed != journaled || (len(resumed) > 0 && (resumed[0] == RotateResuming) != journaled) {
				t.Errorf("Resumed = %v, events %v (journal written: %v)", res.Resumed, resumed, journaled)
			}
			if stop == RotateCreated && !slices.Contains(resumed, RotateDiscarded) {
				t.Errorf("the key whose secret was lost was not discarded: events %v", resumed)
			}
		})
	}
}

func TestRotateFullKeySlots(t *testing.T) {
	t.Parallel()
	u, store := rotatingUser(t)
	second := moto.CreateAccessKey(t, u)
	// Use it once, so IAM has a last use to report.
	if _, err := GetCallerIdentity(context.Background(), motoConfig(), keyOf(second)); err != nil {
		t.Fatal(err)
	}
	before, _ := store.Key("work")

	_, err := newRotator(store).Rotate(context.Background())
	var full *KeySlotsFullError
	if !errors.As(err, &full) {
		t.Fatalf("err = %v, want *KeySlotsFullError", err)
	}
	if full.UserName != u.Name || full.StoredKeyID != u.Key.AccessKeyID || len(full.Others) != 1 {
		t.Fatalf("KeySlotsFullError = %+v", full)
	}
	other := full.Others[0]
	if other.KeyID != second.AccessKeyID || !other.LastUsedKnown || other.LastUsed.IsZero() || other.LastUsedService != "sts" || other.Created.IsZero() {
		t.Errorf("other key = %+v, want %s used with sts", other, second.AccessKeyID)
	}
	// Nothing changed.
	if after, _ := store.Key("work"); after != before {
		t.Errorf("stored key changed: %+v", after)
	}
	if keys := moto.ListAccessKeys(t, u); len(keys) != 2 {
		t.Errorf("IAM keys = %+v, want the same two", keys)
	}
	if _, err := store.RotationJournal("work"); err == nil {
		t.Error("a journal was written")
	}
}

func TestRotateJournalThatNoLongerApplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		prep   func(t *testing.T, u awstest.User, store *memStore)
		reason string
	}{
		{"new key deleted in IAM meanwhile", func(t *testing.T, u awstest.User, store *memStore) {
			j, _ := store.RotationJournal("work")
			moto.DeleteAccessKey(t, u, j.NewKey.AccessKeyID)
		}, ReasonNewKeyGone},
		{"another key added meanwhile", func(t *testing.T, u awstest.User, store *memStore) {
			// The user replaced the key with a new one of their own, then
			// deleted the rotation's new key to free the slot.
			j, _ := store.RotationJournal("work")
			moto.DeleteAccessKey(t, u, j.NewKey.AccessKeyID)
			mine := moto.CreateAccessKey(t, u)
			moto.DeleteAccessKey(t, u, u.Key.AccessKeyID)
			store.PutKey(vault.Key{Profile: "work", AccessKeyID: mine.AccessKeyID, SecretAccessKey: vault.Secret(mine.SecretAccessKey)})
		}, ReasonStoredKeyChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, store := rotatingUser(t)
			r := newRotator(store)
			r.AfterStep = func(s RotateStep) error {
				if s == RotateStored {
					return errInjected
				}
				return nil
			}
			if _, err := r.Rotate(context.Background()); !errors.Is(err, errInjected) {
				t.Fatal(err)
			}
			tt.prep(t, u, store)
			old, _ := store.Key("work")

			var events []RotateEvent
			r.AfterStep = nil
			r.OnEvent = func(ev RotateEvent) { events = append(events, ev) }
			if _, err := r.Rotate(context.Background()); err != nil {
				t.Fatal(err)
			}
			assertRotated(t, u, store, old.AccessKeyID)
			abandoned := slices.IndexFunc(events, func(ev RotateEvent) bool { return ev.Step == RotateAbandoned })
			if abandoned < 0 || events[abandoned].Reason != tt.reason {
				t.Errorf("events %+v, want %s abandoned for %q", events, RotateAbandoned, tt.reason)
			}
		})
	}
}

// A promotion whose journal update was lost (crash between the two
// writes) is recognised by the stored key and finished.
func TestRotatePromotedButNotRecorded(t *testing.T) {
	t.Parallel()
	u, store := rotatingUser(t)
	old := u.Key.AccessKeyID
	r := newRotator(store)
	r.AfterStep = func(s RotateStep) error {
		if s == RotateVerified {
			return errInjected
		}
		return nil
	}
	if _, err := r.Rotate(context.Background()); !errors.Is(err, errInjected) {
		t.Fatal(err)
	}
	j, _ := store.RotationJournal("work")
	store.PutKey(j.NewKey) // promoted; the journal still says verified

	r.AfterStep = nil
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertRotated(t, u, store, old)
}

// An old key someone already deleted counts as deleted.
func TestRotateOldKeyAlreadyDeleted(t *testing.T) {
	t.Parallel()
	u, store := rotatingUser(t)
	r := newRotator(store)
	r.AfterStep = func(s RotateStep) error {
		if s == RotatePromoted {
			return errInjected
		}
		return nil
	}
	if _, err := r.Rotate(context.Background()); !errors.Is(err, errInjected) {
		t.Fatal(err)
	}
	moto.DeleteAccessKey(t, u, u.Key.AccessKeyID)
	r.AfterStep = nil
	res, err := r.Rotate(context.Background())
	if err != nil || !res.OldKeyAlreadyGone {
		t.Fatalf("res = %+v, err = %v; want success with OldKeyAlreadyGone", res, err)
	}
	assertRotated(t, u, store, u.Key.AccessKeyID)
}

// When the new key cannot be stored its secret is lost: the key is taken
// back out of IAM at once, and the old key stays stored and working.
func TestRotateStoreFailsAfterCreate(t *testing.T) {
	t.Parallel()
	u, store := rotatingUser(t)
	r := newRotator(store)
	failing := &failingJournal{Store: store, failAt: string(RotateStored)}
	r.Store = failing
	_, err := r.Rotate(context.Background())
	if !errors.Is(err, errInjected) {
		t.Fatalf("err = %v", err)
	}
	if keys := moto.ListAccessKeys(t, u); len(keys) != 1 || keys[0].ID != u.Key.AccessKeyID {
		t.Errorf("IAM keys = %+v, want only the old key", keys)
	}
	if stored, _ := store.Key("work"); stored.AccessKeyID != u.Key.AccessKeyID {
		t.Errorf("stored key = %s", stored.AccessKeyID)
	}
}

type failingJournal struct {
	*memvault.Store
	failAt string
}

func (f *failingJournal) PutRotationJournal(j vault.RotationJournal) error {
	if j.Step == f.failAt {
		return errInjected
	}
	return f.Store.PutRotationJournal(j)
}

func TestRotateNoStoredKey(t *testing.T) {
	store := memvault.New()
	_, err := newRotator(store).Rotate(context.Background())
	var notFound *vault.NotFoundError
	if !errors.As(err, &notFound) {
		t.Errorf("err = %v, want *vault.NotFoundError", err)
	}
}

func TestRotateWithoutIAMPermission(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, t.Name())
	store := newMemStore(vault.Key{Profile: "work", AccessKeyID: u.Key.AccessKeyID, SecretAccessKey: vault.Secret(u.Key.SecretAccessKey)})
	_, err := newRotator(store).Rotate(context.Background())
	var denied *AccessDeniedError
	var rotErr *RotateError
	if !errors.As(err, &denied) || !errors.As(err, &rotErr) || rotErr.Step != "" {
		t.Fatalf("err = %v, want an access denial before any step", err)
	}
	if _, err := store.RotationJournal("work"); err == nil {
		t.Error("a journal was written")
	}
	if msg := err.Error(); msg == "" {
		t.Error("empty message")
	}
}
