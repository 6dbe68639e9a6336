package sts

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// helperEnv makes the test binary act as one awskeep process retrieving
// credentials (TestHelperRetrieve); its value is the shared work directory.
const helperEnv = "AWSKEEP_STS_TEST_HELPER"

const helperMFASerial = "arn:aws:iam::111122223333:mfa/alice"

// TestParallelProcessesShareOneCall runs 8 separate processes with a cold
// cache in one file-backend store: one STS call and one MFA code in all.
func TestParallelProcessesShareOneCall(t *testing.T) {
	t.Parallel()
	f := newSessionFake(t)
	f.delay = 200 * time.Millisecond
	work := t.TempDir()
	for _, d := range []string{"store", "locks"} {
		if err := os.Mkdir(filepath.Join(work, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}

	const n = 8
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range cmds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRetrieve$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+work, "AWSKEEP_STS_TEST_ENDPOINT="+f.URL)
		outs[i] = new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	// All processes are up and waiting: let them go at once.
	if err := os.WriteFile(filepath.Join(work, "go"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
		_, key, ok := strings.Cut(outs[i].String(), "KEY=")
		if !ok {
			t.Fatalf("process %d printed no key:\n%s", i, outs[i])
		}
		key, _, _ = strings.Cut(key, "\n")
		keys = append(keys, key)
	}
	for i, k := range keys {
		if k != fakeIssued(1) {
			t.Errorf("process %d got %s, want %s", i, k, fakeIssued(1))
		}
	}
	if got := f.actions(); !slices.Equal(got, []string{"GetSessionToken"}) {
		t.Errorf("requests = %v, want one GetSessionToken", got)
	}
	asked, err := os.ReadFile(filepath.Join(work, "mfa-asked"))
	if err != nil || strings.Count(string(asked), "\n") != 1 {
		t.Errorf("MFA code asked %q (%v), want once", asked, err)
	}
}

// TestHelperRetrieve is one process of TestParallelProcessesShareOneCall.
func TestHelperRetrieve(t *testing.T) {
	work := os.Getenv(helperEnv)
	if work == "" {
		t.Skip("helper process only")
	}
	store := openSessionStore(t, filepath.Join(work, "store"), filepath.Join(work, "locks"))
	p := &Provider{
		Cache:  store,
		Key:    fakeKey,
		Config: fastConfig(os.Getenv("AWSKEEP_STS_TEST_ENDPOINT")),
		MFA: func(ctx context.Context, hop profiles.Hop) (string, error) {
			f, err := os.OpenFile(filepath.Join(work, "mfa-asked"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				return "", err
			}
			defer f.Close()
			_, err = fmt.Fprintln(f, os.Getpid())
			return "123456", err
		},
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(work, "go")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never told to go")
		}
		time.Sleep(5 * time.Millisecond)
	}
	creds, err := p.Retrieve(context.Background(), chainOf(profiles.Hop{Profile: "base", MFASerial: helperMFASerial}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("KEY=%s\n", creds.AccessKeyID)
}
