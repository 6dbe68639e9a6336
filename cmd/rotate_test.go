package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// runRotateCmd runs `awskeep rotate args...` on te's factory.
func (te *testEnv) runRotateCmd(args ...string) int {
	return te.runRotateWith(nil, args...)
}

// runRotateWith is runRotateCmd with the options' afterStep hook set.
func (te *testEnv) runRotateWith(afterStep func(sts.RotateStep) error, args ...string) int {
	te.stdout.Reset()
	te.stderr.Reset()
	c := newRotateCmd(te.f, func(ctx context.Context, o *rotateOptions) error {
		o.afterStep = afterStep
		return runRotate(ctx, o)
	})
	c.SetArgs(args)
	c.SetOut(te.stdout)
	c.SetErr(te.stderr)
	c.SilenceErrors, c.SilenceUsage = true, true
	err := c.ExecuteContext(context.Background())
	te.f.ReloadProfiles()
	te.f.resetVault()
	return renderError(te.stderr, err)
}

func TestRotateCommandArgs(t *testing.T) {
	te := newTestEnv(t)
	var got *rotateOptions
	c := newRotateCmd(te.f, func(_ context.Context, o *rotateOptions) error { got = o; return nil })
	c.SetArgs([]string{"work", "--mfa-token", "123456"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Profile != "work" || got.MFAToken != "123456" {
		t.Errorf("options = %+v", got)
	}
	if code := te.runRotateCmd(); code != exitUsage {
		t.Errorf("no profile: exit %d, want %d", code, exitUsage)
	}
}

// rotateEnv is a test HOME whose profile "work" holds the key of a moto
// user allowed to rotate it.
func rotateEnv(t *testing.T, moto *awstest.Moto) (*testEnv, awstest.User) {
	t.Helper()
	te := newTestEnv(t)
	for _, kv := range moto.Env() {
		k, v, _ := strings.Cut(kv, "=")
		te.env[k] = v
	}
	u := moto.CreateUser(t, t.Name())
	moto.AllowUser(t, u, "iam:ListAccessKeys", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:GetAccessKeyLastUsed")
	te.writeFile(t, ".aws/config", "[profile work]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = work\n")
	store, err := te.f.Vault()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutKey(vault.Key{Profile: "work", AccessKeyID: u.Key.AccessKeyID, SecretAccessKey: vault.Secret(u.Key.SecretAccessKey)}); err != nil {
		t.Fatal(err)
	}
	te.f.resetVault()
	return te, u
}

func storedKey(t *testing.T, te *testEnv) vault.Key {
	t.Helper()
	store, err := te.f.Vault()
	if err != nil {
		t.Fatal(err)
	}
	defer te.f.resetVault()
	k, err := store.Key("work")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRotateCommand(t *testing.T) {
	moto := awstest.Start(t)

	t.Run("rotates", func(t *testing.T) {
		te, u := rotateEnv(t, moto)
		if code := te.runRotateCmd("work"); code != 0 {
			t.Fatalf("exit %d: %s", code, te.stderr)
		}
		k := storedKey(t, te)
		keys := moto.ListAccessKeys(t, u)
		if len(keys) != 1 || keys[0].ID != k.AccessKeyID {
			t.Errorf("IAM keys %+v, stored %s", keys, k.AccessKeyID)
		}
		mustContain(t, "stderr", te.stderr.String(),
			"Created the new key "+sts.MaskKeyID(k.AccessKeyID),
			"Deleted the old key "+sts.MaskKeyID(u.Key.AccessKeyID),
			"Rotated key of work: "+sts.MaskKeyID(u.Key.AccessKeyID)+" → "+sts.MaskKeyID(k.AccessKeyID)+" (old key deleted in IAM)")
		if lines := strings.Count(te.stderr.String(), "\n"); lines != len(sts.RotateSteps) {
			t.Errorf("%d lines, want one per step and the summary:\n%s", lines, te.stderr)
		}
		if strings.Contains(te.stderr.String(), u.Key.SecretAccessKey) {
			t.Error("the secret was printed")
		}
	})

	t.Run("resumes after an injected failure", func(t *testing.T) {
		te, u := rotateEnv(t, moto)
		failAfterVerified := func(s sts.RotateStep) error {
			if s == sts.RotateVerified {
				return errors.New("failure injected after step verified")
			}
			return nil
		}
		if code := te.runRotateWith(failAfterVerified, "work"); code != exitFailure {
			t.Fatalf("exit %d: %s", code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), `stopped after step "verified"`,
			"Profile work holds key "+sts.MaskKeyID(u.Key.AccessKeyID), "run 'awskeep rotate work' again")
		if code := te.runRotateCmd("work"); code != 0 {
			t.Fatalf("exit %d: %s", code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), `Found an interrupted rotation of work`, `last step "verified"`,
			"making it the profile's key", "Rotated key of work")
	})

	t.Run("full key slots", func(t *testing.T) {
		te, u := rotateEnv(t, moto)
		other := moto.CreateAccessKey(t, u)
		if code := te.runRotateCmd("work"); code != exitFailure {
			t.Fatalf("exit %d: %s", code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), "already has two access keys", sts.MaskKeyID(other.AccessKeyID),
			"never used", "aws iam delete-access-key --user-name "+u.Name, "Nothing was changed")
		if k := storedKey(t, te); k.AccessKeyID != u.Key.AccessKeyID {
			t.Errorf("stored key changed to %s", k.AccessKeyID)
		}
	})

	t.Run("explained refusals", func(t *testing.T) {
		te, _ := rotateEnv(t, moto)
		tests := []struct {
			name  string
			env   map[string]string
			args  []string
			wants []string
		}{
			{"role profile", nil, []string{"admin"}, []string{"gets its key from profile work", "awskeep rotate work"}},
			{"no key", nil, []string{"nokey"}, []string{"nokey"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for k, v := range tt.env {
					te.env[k] = v
					defer delete(te.env, k)
				}
				if code := te.runRotateCmd(tt.args...); code != exitFailure {
					t.Fatalf("exit %d: %s", code, te.stderr)
				}
				mustContain(t, "stderr", te.stderr.String(), tt.wants...)
			})
		}
	})
}

// The hook in the options stops the rotation without the environment.
func TestRotateOptionsHook(t *testing.T) {
	moto := awstest.Start(t)
	te, u := rotateEnv(t, moto)
	stop := errors.New("stop here")
	err := runRotate(context.Background(), &rotateOptions{f: te.f, Profile: "work", afterStep: func(s sts.RotateStep) error {
		if s == sts.RotatePromoted {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v", err)
	}
	te.f.resetVault()
	k := storedKey(t, te)
	if k.AccessKeyID == u.Key.AccessKeyID || !k.CreatedFromIAM {
		t.Errorf("after promotion the stored key is %+v", k)
	}
	if keys := moto.ListAccessKeys(t, u); len(keys) != 2 {
		t.Errorf("IAM keys %+v, want old and new", keys)
	}
}
