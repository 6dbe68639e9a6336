package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCredentialProcessThatRunsAwskeepInDisguise: a profile whose
// credential_process runs awskeep through a wrapper script (not recognisable
// by its command line) for the same profile, with no key stored, fails at
// once with a clear error instead of forking without end.
func TestCredentialProcessThatRunsAwskeepInDisguise(t *testing.T) {
	u := newUser(t, "file")
	log := filepath.Join(u.home, "wrapper.log")
	wrapper := filepath.Join(u.home, "my-creds")
	script := fmt.Sprintf("#!/bin/sh\necho run >> %s\nexec env X=1 %s \"$@\"\n", log, awskeepBin)
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	u.writeFile(".aws/config", fmt.Sprintf("[profile loop]\ncredential_process = sh -c '%s credential-process loop'\n", wrapper))

	r := u.run("", nil, "credential-process", "loop")
	if r.code != 1 || !strings.Contains(r.stderr, "runs awskeep for profile loop again") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and the loop explained", r.code, r.stderr)
	}
	runs, _ := os.ReadFile(log)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Errorf("the wrapper ran %d times, want once (the nested awskeep stops)", n)
	}
}
