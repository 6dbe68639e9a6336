package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// externalCredentials are what another tool's credential_process printed.
type externalCredentials struct {
	AccessKeyID     string
	SecretAccessKey vault.Secret
	SessionToken    vault.Secret
	Expiration      time.Time
}

// credentialSourceError: a profile's credential_process did not give usable
// credentials.
type credentialSourceError struct {
	profile, command, reason string
}

func (e *credentialSourceError) Error() string {
	return fmt.Sprintf("the credential_process of profile %s (%s) %s", e.profile, e.command, e.reason)
}

// runsAwskeep reports whether a credential_process command runs awskeep
// itself; awskeep ignores those (following one would call itself).
func runsAwskeep(command string) bool {
	fields := strings.Fields(command)
	if len(fields) == 0 {
		return false
	}
	prog := strings.Trim(fields[0], `"'`)
	// Either separator: a config file may come from Windows.
	base := strings.TrimSuffix(prog[strings.LastIndexAny(prog, `/\`)+1:], ".exe")
	if base == "awskeep" {
		return true
	}
	self, err := os.Executable()
	return err == nil && prog == self
}

// otherCredentialProcess runs hop's credential_process (of another tool) as
// the AWS CLI would, with awskeep's stderr for its messages, and reads its
// JSON.
func otherCredentialProcess(ctx context.Context, f *factory, hop profiles.Hop) (externalCredentials, error) {
	fail := func(reason string) error {
		return &credentialSourceError{profile: hop.Profile, command: hop.CredentialProcess, reason: reason}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := shellCommand(ctx, hop.CredentialProcess)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, f.IO.ErrOut
	f.Log.Debug("running another tool's credential_process", "profile", hop.Profile)
	if err := cmd.Run(); err != nil {
		return externalCredentials{}, fail(fmt.Sprintf("failed: %v", err))
	}
	var got struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		return externalCredentials{}, fail("did not print credential_process JSON")
	}
	switch {
	case got.Version != 1:
		return externalCredentials{}, fail(fmt.Sprintf("printed Version %d; only 1 exists", got.Version))
	case got.AccessKeyID == "" || got.SecretAccessKey == "":
		return externalCredentials{}, fail("printed no AccessKeyId or SecretAccessKey")
	}
	creds := externalCredentials{AccessKeyID: got.AccessKeyID, SecretAccessKey: vault.Secret(got.SecretAccessKey), SessionToken: vault.Secret(got.SessionToken)}
	if got.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, got.Expiration)
		if err != nil {
			return externalCredentials{}, fail(fmt.Sprintf("printed Expiration %q, which is not RFC 3339", got.Expiration))
		}
		if !exp.After(f.Now()) {
			return externalCredentials{}, fail("printed credentials that have already expired")
		}
		creds.Expiration = exp
	}
	return creds, nil
}
