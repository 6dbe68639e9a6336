package sts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/profiles"
)

func processChain(command string) *profiles.Chain {
	return &profiles.Chain{Hops: []profiles.Hop{{Profile: "tool", CredentialProcess: command}}, SourceKind: profiles.SourceProcess}
}

// An awskeep started by the credential_process of profile tool (the marker
// is in its environment) that is asked for tool again fails at once, and
// does not run the process (which would start awskeep again, without end).
func TestCredentialProcessLoopIsRefused(t *testing.T) {
	t.Parallel()
	ran := filepath.Join(t.TempDir(), "ran")
	r := &Resolver{Getenv: func(k string) string {
		if k == CredentialProcessEnv {
			return "outer,tool"
		}
		return ""
	}}
	_, err := r.Credentials(context.Background(), processChain("touch "+ran), Options{NoSession: true})
	var loop *CredentialProcessLoopError
	if !errors.As(err, &loop) || loop.Profile != "tool" || !strings.Contains(err.Error(), "never end") {
		t.Fatalf("err = %v, want *CredentialProcessLoopError for tool", err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the credential_process ran")
	}
}

// The credential_process gets the marker: the profiles it serves, outermost first.
func TestCredentialProcessGetsTheMarker(t *testing.T) {
	t.Parallel()
	seen := filepath.Join(t.TempDir(), "seen")
	r := &Resolver{Getenv: func(k string) string {
		if k == CredentialProcessEnv {
			return "outer"
		}
		return ""
	}}
	command := `printf '%s' "$` + CredentialProcessEnv + `" > ` + seen + `; printf '{"Version":1,"AccessKeyId":"AKIATOOLTOOLTOOLTOOL","SecretAccessKey":"s"}'`
	res, err := r.Credentials(context.Background(), processChain(command), Options{NoSession: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(seen); string(got) != "outer,tool" || res.AccessKeyID != "AKIATOOLTOOLTOOLTOOL" {
		t.Errorf("marker %q, key %s; want outer,tool and the tool's key", got, res.AccessKeyID)
	}
}
