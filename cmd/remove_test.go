package cmd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/memvault"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

func storeKey(t *testing.T, te *testEnv, k vault.Key) *vault.Store {
	t.Helper()
	store, err := te.f.Vault()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutKey(k); err != nil {
		t.Fatal(err)
	}
	return store
}

// TestRemoveDropsUnfinishedRotation: the journal of a rotation that can no
// longer finish goes with the key, and the user learns of the new key left in IAM.
func TestRemoveDropsUnfinishedRotation(t *testing.T) {
	te := newTestEnv(t)
	now := te.f.Now()
	store := storeKey(t, te, vault.Key{Profile: "work", AccessKeyID: "AKIAOLDOLDOLDOLD0001", SecretAccessKey: "old-secret-000000000000", CreatedAt: now, AddedAt: now})
	err := store.PutRotationJournal(vault.RotationJournal{Profile: "work", OldKeyID: "AKIAOLDOLDOLDOLD0001", Step: "stored",
		NewKey: vault.Key{Profile: "work", AccessKeyID: "AKIANEWNEWNEWNEW0002", SecretAccessKey: "new-secret-000000000000"}, StartedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	te.f.resetVault()
	if code := te.run("remove", "work", "--force"); code != 0 {
		t.Fatalf("exit %d: %s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "unfinished rotation", "AKIA…0002", "still in IAM")
	store, _ = te.f.Vault()
	var nf *vault.NotFoundError
	if _, err := store.RotationJournal("work"); !errors.As(err, &nf) {
		t.Errorf("journal after remove: %v", err)
	}
}

// TestDoctorReportsUnfinishedRotation without touching AWS.
func TestDoctorReportsUnfinishedRotation(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile work]\nregion = eu-west-1\n")
	now := te.f.Now()
	store := storeKey(t, te, vault.Key{Profile: "work", AccessKeyID: "AKIAOLDOLDOLDOLD0001", SecretAccessKey: "old-secret-000000000000", CreatedAt: now, AddedAt: now})
	if err := store.PutRotationJournal(vault.RotationJournal{Profile: "work", OldKeyID: "AKIAOLDOLDOLDOLD0001", Step: "created", StartedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	te.f.resetVault()
	opts := &doctorOptions{f: te.f,
		identity: func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error) {
			return sts.Identity{ARN: "arn:aws:iam::1:user/w", UserName: "w"}, nil
		},
		accessKeys: func(context.Context, sts.ClientConfig, sts.StaticKey, string) ([]sts.AccessKeyUse, error) {
			return []sts.AccessKeyUse{{KeyID: "AKIAOLDOLDOLDOLD0001", Status: "Active", Created: now.Add(-time.Hour)}}, nil
		},
	}
	err := runDoctor(context.Background(), opts)
	var exit *exitCodeError
	if !errors.As(err, &exit) || exit.code != exitFailure {
		t.Fatalf("doctor returned %v, want exit 1", err)
	}
	mustContain(t, "doctor", te.stdout.String(), "WARN", "rotation", `stopped after step "created"`, "awskeep rotate work")
}

// damageFileItem flips a bit in the sealed file of a file keyring item, as
// a change made outside awskeep does.
func damageFileItem(t *testing.T, te *testEnv, item string) {
	t.Helper()
	path := filepath.Join(te.env["AWSKEEP_FILE_DIR"], item)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-10] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A damaged key item (it no longer decrypts, or does not decode) is what
// the message about it tells you to remove: remove removes it, with its
// sessions, and says how to store the key again. The file keyring here;
// TestRemoveDamagedKeyMemory with the in-memory store.
func TestRemoveDamagedKeyFile(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[profile work]\nregion = eu-west-1\n")
	now := te.f.Now()
	store := storeKey(t, te, vault.Key{Profile: "work", AccessKeyID: "AKIAWORKWORKWORK0001", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	if err := store.PutSession(vault.Session{ID: "s1", Profile: "work", SourceKeyID: "AKIAWORKWORKWORK0001", AccessKeyID: "ASIAWORKWORKWORK0001", Expiration: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	te.f.resetVault()
	damageFileItem(t, te, "awskeep.key.work")

	// What the user met first: the damaged key named, with remove as the fix.
	if code := te.run("export", "work"); code != exitFailure {
		t.Fatalf("export with a damaged key: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "export stderr", te.stderr.String(), "damaged", "awskeep remove work", "awskeep add work")

	if code := te.run("remove", "work", "--force"); code != 0 {
		t.Fatalf("remove: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "remove stderr", te.stderr.String(), "Deleted the damaged stored key AKIA…0001 of profile work and 1 cached session.", "awskeep add work")
	store, _ = te.f.Vault()
	var nf *vault.NotFoundError
	if _, err := store.KeyInfo("work"); !errors.As(err, &nf) {
		t.Errorf("KeyInfo(work) after remove: %v, want not found", err)
	}
	if sessions, _ := store.Sessions(); len(sessions) != 0 {
		t.Errorf("sessions after remove: %+v", sessions)
	}
}

func TestRemoveDamagedKeyMemory(t *testing.T) {
	te := newTestEnv(t)
	now := te.f.Now()
	mem := memvault.New(vault.Key{Profile: "work", AccessKeyID: "AKIAWORKWORKWORK0001", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now},
		vault.Key{Profile: "other", AccessKeyID: "AKIAOTHEROTHEROT0002", SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	_ = mem.PutRotationJournal(vault.RotationJournal{Profile: "work", OldKeyID: "AKIAWORKWORKWORK0001", Step: "created"})
	_ = mem.PutSession(vault.Session{ID: "s1", Profile: "work", SourceKeyID: "AKIAWORKWORKWORK0001"})
	_ = mem.PutSession(vault.Session{ID: "s2", Profile: "other", SourceKeyID: "AKIAOTHEROTHEROT0002"})
	mem.Damage("work")
	opts := &removeOptions{f: te.f, Profile: "work", Force: true, store: func() (removeStore, error) { return mem, nil }}
	if err := runRemove(context.Background(), opts); err != nil {
		t.Fatalf("remove: %v", err)
	}
	mustContain(t, "remove stderr", te.stderr.String(), "damaged", "and 1 cached session", "damaged journal of an unfinished rotation")
	var nf *vault.NotFoundError
	if _, err := mem.Key("work"); !errors.As(err, &nf) {
		t.Errorf("Key(work) after remove: %v", err)
	}
	if _, err := mem.RotationJournal("work"); !errors.As(err, &nf) {
		t.Errorf("journal of work after remove: %v", err)
	}
	if k, err := mem.Key("other"); err != nil || k.AccessKeyID != "AKIAOTHEROTHEROT0002" {
		t.Errorf("Key(other) = %+v, %v", k, err)
	}
	if s := mem.AllSessions(); len(s) != 1 || s[0].Profile != "other" {
		t.Errorf("sessions left: %+v", s)
	}
}
