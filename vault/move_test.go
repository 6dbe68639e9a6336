package vault

import (
	"errors"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

// TestMoveItems: file keyring to the kernel keyring and back: every key,
// session and journal arrives intact and leaves the source; a conflicting
// item in the target stops the move before anything changes; a dry run
// changes nothing.
func TestMoveItems(t *testing.T) {
	file := openFileStore(t, t.TempDir(), &askCounter{pass: testPassphrase}, nil)
	kc := openStore(t, envConfig(t, BackendKeyctl, keyringtest.Keyctl(t)))
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	for _, p := range []string{"a", "b"} {
		if err := file.PutKey(Key{Profile: p, AccessKeyID: "AKIA" + p, SecretAccessKey: Secret("s-" + p), CreatedAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if err := file.PutSession(Session{ID: "x", Profile: "a", SourceKeyID: "AKIAa", SecretAccessKey: "ss", SessionToken: "tt", Expiration: exp}); err != nil {
		t.Fatal(err)
	}
	if err := file.PutRotationJournal(RotationJournal{Profile: "b", OldKeyID: "AKIAb", Step: "created"}); err != nil {
		t.Fatal(err)
	}

	dry, err := MoveItems(file, kc, true)
	if err != nil || len(dry.Moved) < 4 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	if p, _ := kc.KeyProfiles(); len(p) != 0 {
		t.Fatalf("dry run wrote %v", p)
	}

	// A different key for b already in the target: nothing moves.
	if err := kc.PutKey(Key{Profile: "b", AccessKeyID: "AKIAother", SecretAccessKey: "other"}); err != nil {
		t.Fatal(err)
	}
	var conflict *MoveConflictError
	if _, err := MoveItems(file, kc, false); !errors.As(err, &conflict) || conflict.Name != keyItemName("b") {
		t.Fatalf("move onto a conflicting item = %v", err)
	}
	if p, _ := file.KeyProfiles(); len(p) != 2 {
		t.Fatalf("source after a refused move: %v", p)
	}
	if err := kc.DeleteKey("b"); err != nil {
		t.Fatal(err)
	}

	report, err := MoveItems(file, kc, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a", "b"} {
		if k, err := kc.Key(p); err != nil || k.SecretAccessKey.Reveal() != "s-"+p || !k.CreatedAt.Equal(exp) {
			t.Errorf("moved key %s = %+v, %v", p, k, err)
		}
	}
	if s, err := kc.Session("x"); err != nil || s.SessionToken != "tt" {
		t.Errorf("moved session = %+v, %v", s, err)
	}
	if j, err := kc.RotationJournal("b"); err != nil || j.Step != "created" {
		t.Errorf("moved journal = %+v, %v", j, err)
	}
	if st, _ := file.Status(); st.Keys+st.Sessions+st.Journals+st.KeyInfos+st.Other != 0 {
		t.Errorf("source after the move: %+v (moved %v)", st, report.Moved)
	}

	// And back into the (now empty) file keyring.
	if _, err := MoveItems(kc, file, false); err != nil {
		t.Fatal(err)
	}
	if k, err := file.Key("a"); err != nil || k.SecretAccessKey.Reveal() != "s-a" {
		t.Errorf("key back in the file keyring = %+v, %v", k, err)
	}
}
