package vault

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestJournalRoundTrip(t *testing.T) {
	for _, bc := range backendConfigs {
		t.Run(bc.name, func(t *testing.T) {
			s := openStore(t, bc.setup(t))
			checkJournalRoundTrip(t, s)
		})
	}
}

func checkJournalRoundTrip(t *testing.T, s *Store) {
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	// Before CreateAccessKey answers, the journal has no new key.
	begun := RotationJournal{Profile: "team/prod ü", OldKeyID: "AKIAOLDOLDOLDOLDOLD1", UserName: "alice",
		Step: "started", StartedAt: started, UpdatedAt: started}
	if err := s.PutRotationJournal(begun); err != nil {
		t.Fatal(err)
	}
	got, err := s.RotationJournal(begun.Profile)
	if err != nil || got != begun {
		t.Fatalf("RotationJournal = %+v, %v\nwant %+v", got, err, begun)
	}

	// Then it holds the new key, secret and metadata included, under the
	// same item: still one journal per profile.
	stored := begun
	stored.Step, stored.UpdatedAt = "stored", started.Add(time.Second)
	stored.NewKey = Key{Profile: begun.Profile, AccessKeyID: "AKIANEWNEWNEWNEWNEW2", SecretAccessKey: "new/secret+",
		CreatedAt: started, CreatedFromIAM: true, AddedAt: started, Account: "123456789012",
		ARN: "arn:aws:iam::123456789012:user/alice", UserName: "alice"}
	if err := s.PutRotationJournal(stored); err != nil {
		t.Fatal(err)
	}
	got, err = s.RotationJournal(begun.Profile)
	if err != nil || got != stored {
		t.Fatalf("RotationJournal = %+v, %v\nwant %+v", got, err, stored)
	}
	if got.NewKey.SecretAccessKey.Reveal() != "new/secret+" {
		t.Error("the new key's secret did not survive the round trip")
	}
	if err := s.PutRotationJournal(RotationJournal{Profile: "other", OldKeyID: "AKIAOTHEROTHEROTHER3", Step: "started"}); err != nil {
		t.Fatal(err)
	}
	profiles, err := s.RotationProfiles()
	if want := []string{"other", begun.Profile}; err != nil || !slices.Equal(profiles, want) {
		t.Errorf("RotationProfiles() = %q, %v; want %q", profiles, err, want)
	}
	// A journal is neither a key nor a session.
	if keys, _ := s.KeyProfiles(); len(keys) != 0 {
		t.Errorf("KeyProfiles() = %q with only journals stored", keys)
	}
	if sessions, _ := s.Sessions(); len(sessions) != 0 {
		t.Errorf("Sessions() = %v with only journals stored", sessions)
	}

	for range 2 { // dropping twice is no error
		if err := s.DeleteRotationJournal(begun.Profile); err != nil {
			t.Fatal(err)
		}
	}
	var notFound *NotFoundError
	if _, err := s.RotationJournal(begun.Profile); !errors.As(err, &notFound) {
		t.Errorf("after delete: err = %v, want *NotFoundError", err)
	}
	if _, err := s.RotationJournal("other"); err != nil {
		t.Errorf("deleting one journal touched another: %v", err)
	}
}

func TestJournalNeedsProfile(t *testing.T) {
	s := openStore(t, envConfig(t, BackendFile, nil))
	if err := s.PutRotationJournal(RotationJournal{OldKeyID: "AKIAOLDOLDOLDOLDOLD1"}); err == nil {
		t.Error("a journal without a profile was stored")
	}
}
