package cmd

import (
	"context"
	"errors"
	"testing"
	"time"

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
