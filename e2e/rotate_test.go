package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awskeep/awskeep/internal/awstest"
)

// The steps after which a rotation can stop, in order (sts.RotateSteps
// without "done", which is the end).
var rotateStopSteps = []string{"checked", "started", "created", "stored", "verified", "promoted", "old-deleted", "purged"}

// newRotatingUser is a HOME whose profile "work" holds the key of an IAM
// user allowed to manage its own keys.
func newRotatingUser(t *testing.T) (*user, awstest.User) {
	t.Helper()
	u := newUser(t, "file")
	alice := moto.CreateUser(t, "alice")
	moto.AllowUser(t, alice, "iam:ListAccessKeys", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:GetAccessKeyLastUsed")
	u.ok(alice.Key.AccessKeyID+"\n"+alice.Key.SecretAccessKey+"\n", "add", "work")
	return u, alice
}

// storedKey is the key profile work hands out with --no-session, as any
// program would get it, and proof that AWS accepts it.
func storedKey(t *testing.T, u *user, alice awstest.User) awstest.Credentials {
	t.Helper()
	r := u.ok("", "export", "work", "--no-session", "--format", "json")
	var out struct{ AccessKeyId, SecretAccessKey string }
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("export printed %q: %v", r.stdout, err)
	}
	key := awstest.Credentials{AccessKeyID: out.AccessKeyId, SecretAccessKey: out.SecretAccessKey}
	id, err := moto.STS(key).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("the stored key %s does not work: %v", key.AccessKeyID, err)
	}
	if *id.Arn != alice.ARN {
		t.Fatalf("the stored key signs as %s, want %s", *id.Arn, alice.ARN)
	}
	return key
}

// assertRotated: IAM lists exactly one key for the user, the stored one;
// the old key gets InvalidClientTokenId.
func assertRotated(t *testing.T, u *user, alice awstest.User) awstest.Credentials {
	t.Helper()
	stored := storedKey(t, u, alice)
	keys := moto.ListAccessKeys(t, alice)
	if len(keys) != 1 || keys[0].ID != stored.AccessKeyID {
		t.Errorf("IAM lists %+v, want exactly the stored key %s", keys, stored.AccessKeyID)
	}
	if stored.AccessKeyID == alice.Key.AccessKeyID {
		t.Errorf("the stored key is still the old one")
	}
	_, err := moto.STS(alice.Key).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidClientTokenId" {
		t.Errorf("the old key: err = %v, want InvalidClientTokenId", err)
	}
	return stored
}

func TestRotateEndToEnd(t *testing.T) {
	t.Parallel()
	u, alice := newRotatingUser(t)
	r := u.ok("", "rotate", "work")
	stored := assertRotated(t, u, alice)
	contains(t, "rotate output", r.stderr,
		"Created the new key", "Verified the new key", "Profile work now uses the new key",
		"Rotated key of work: "+alice.Key.AccessKeyID[:4]+"…"+masked(alice.Key.AccessKeyID)+" → "+
			stored.AccessKeyID[:4]+"…"+masked(stored.AccessKeyID)+" (old key deleted in IAM)")
	if strings.Contains(r.stdout+r.stderr, stored.SecretAccessKey) || r.stdout != "" {
		t.Errorf("rotate printed the secret or wrote to stdout: %q", r.stdout)
	}
	if row := listJSON(t, u)["work"]; row.KeyCreatedFrom != "iam" {
		t.Errorf("list row = %+v, want the creation date from IAM", row)
	}
	// A program run with the stored key works.
	out := u.ok("", "exec", "work", "--no-session", "--", "aws", "sts", "get-caller-identity", "--output", "json").stdout
	contains(t, "exec output", out, alice.ARN)
}

// TestRotateInterrupted stops a rotation after every step, by an injected
// failure or a SIGKILL, checks that the stored key works at that point,
// and that the next `awskeep rotate` finishes.
func TestRotateInterrupted(t *testing.T) {
	t.Parallel()
	type stop struct {
		step string
		kill bool
	}
	var stops []stop
	for _, s := range rotateStopSteps {
		stops = append(stops, stop{step: s})
	}
	// Kills where a crash hurts most: the new key's secret only in memory,
	// and the new key promoted but the old one not deleted.
	stops = append(stops, stop{"created", true}, stop{"promoted", true})

	for _, s := range stops {
		name := "fail after " + s.step
		if s.kill {
			name = "kill after " + s.step
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			u, alice := newRotatingUser(t)
			if s.kill {
				killRotateAfter(t, u, s.step)
			} else {
				r := u.run("", []string{"AWSKEEP_TEST_ROTATE_FAIL_AFTER=" + s.step}, "rotate", "work")
				if r.code != 1 {
					t.Fatalf("rotate with a failure after %s: exit %d\n%s", s.step, r.code, r.stderr)
				}
				if s.step == "checked" { // nothing written yet
					contains(t, "stderr", r.stderr, "Nothing was changed")
				} else {
					contains(t, "stderr", r.stderr, `stopped after step "`+s.step+`"`, "run 'awskeep rotate work' again")
				}
			}
			storedKey(t, u, alice) // still works

			r := u.ok("", "rotate", "work")
			assertRotated(t, u, alice)
			if s.step != "checked" {
				contains(t, "second run", r.stderr, "Found an interrupted rotation of work")
			}
			if s.step == "created" {
				contains(t, "second run", r.stderr, "its secret was never stored")
			}
		})
	}
}

// killRotateAfter runs rotate until it holds after step, then SIGKILLs it.
func killRotateAfter(t *testing.T, u *user, step string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, awskeepBin, "rotate", "work")
	cmd.Env = append(append([]string{}, u.env...), "AWSKEEP_TEST_ROTATE_HANG_AFTER="+step)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen []string
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		seen = append(seen, lines.Text())
		if strings.Contains(lines.Text(), "holding after step "+step) {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("rotate did not die by SIGKILL after %s (%v); it printed:\n%s", step, err, strings.Join(seen, "\n"))
	}
}

func TestRotateFullKeySlots(t *testing.T) {
	t.Parallel()
	u, alice := newRotatingUser(t)
	other := moto.CreateAccessKey(t, alice)
	before := listJSON(t, u)["work"]

	r := u.run("", nil, "rotate", "work")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	contains(t, "stderr", r.stderr, "already has two access keys", masked(other.AccessKeyID), "never used",
		"aws iam delete-access-key --user-name "+alice.Name, "Nothing was changed")
	if strings.Contains(r.stderr, other.AccessKeyID) {
		t.Error("the other key's id is shown unmasked")
	}
	keys := moto.ListAccessKeys(t, alice)
	if len(keys) != 2 {
		t.Errorf("IAM keys %+v, want the same two", keys)
	}
	if after := listJSON(t, u)["work"]; after.Key != before.Key {
		t.Errorf("stored key changed from %s to %s", before.Key, after.Key)
	}
	storedKey(t, u, alice)

	// Once the other key is gone, rotate works, with no leftover journal.
	moto.DeleteAccessKey(t, alice, other.AccessKeyID)
	r = u.ok("", "rotate", "work")
	if strings.Contains(r.stderr, "interrupted") {
		t.Errorf("the refused rotation left a journal:\n%s", r.stderr)
	}
	assertRotated(t, u, alice)
}
