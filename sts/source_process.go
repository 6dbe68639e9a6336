package sts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/awskeep/awskeep/internal/helperproc"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// The credential_process source: another tool's credential_process (never
// one that runs awskeep; profiles does not make those a source). It is run
// as the AWS CLI runs it, through the shell, with awskeep's stderr for its
// messages, and its JSON is read. Roles on top work as with a stored key;
// temporary credentials (with a session token) cannot ask for a session
// token, so the plan assumes roles straight from them.

// CredentialProcessTimeout bounds another tool's credential_process; when
// it passes, the process is stopped with every process it started.
const CredentialProcessTimeout = 2 * time.Minute

// CredentialProcessEnv is set in the environment of every credential_process
// awskeep runs, to the profiles (comma-separated, outermost first) whose
// credentials it is asked for. An awskeep started by that process (through
// a wrapper, a symlink, env, sh -c, ...) that is asked for one of them again
// would loop: it fails at once instead.
const CredentialProcessEnv = "AWSKEEP_CREDENTIAL_PROCESS_FOR"

func init() {
	RegisterSourceStep(profiles.SourceProcess, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		return &processSource{env: env, hop: chain.Source()}, nil
	})
}

type processSource struct {
	env   SourceEnv
	hop   profiles.Hop
	ran   bool
	creds SourceCredentials
	err   error
}

func (s *processSource) Kind() profiles.SourceKind { return profiles.SourceProcess }

// Identify runs the process: which credentials it gives is only known then.
func (s *processSource) Identify(ctx context.Context) (SourceIdentity, error) {
	c, err := s.Retrieve(ctx)
	if err != nil {
		return SourceIdentity{}, err
	}
	return SourceIdentity{CacheKey: "credential-process:" + c.AccessKeyID, KeyID: c.AccessKeyID, LongTerm: c.SessionToken.IsZero()}, nil
}

func (s *processSource) Retrieve(ctx context.Context) (SourceCredentials, error) {
	if !s.ran {
		s.ran = true
		s.creds, s.err = s.run(ctx)
	}
	return s.creds, s.err
}

func (s *processSource) run(ctx context.Context) (SourceCredentials, error) {
	fail := func(reason string, err error) error {
		return &CredentialProcessError{Profile: s.hop.Profile, Command: s.hop.CredentialProcess, Reason: reason, Err: err}
	}
	outer := ""
	if s.env.Getenv != nil {
		outer = s.env.Getenv(CredentialProcessEnv)
	}
	if slices.Contains(strings.Split(outer, ","), s.hop.Profile) {
		return SourceCredentials{}, &CredentialProcessLoopError{Profile: s.hop.Profile, Command: s.hop.CredentialProcess}
	}
	if s.env.Log != nil {
		s.env.Log.Debug("running another tool's credential_process", "profile", s.hop.Profile)
	}
	marker := s.hop.Profile
	if outer != "" {
		marker = outer + "," + marker
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, CredentialProcessEnv+"=") })
	env = append(env, CredentialProcessEnv+"="+marker)
	out, err := helperproc.Run(ctx, helperproc.Command{Line: s.hop.CredentialProcess, Timeout: CredentialProcessTimeout, Stderr: s.env.Stderr, Env: env})
	var timeout *helperproc.TimeoutError
	switch {
	case errors.As(err, &timeout):
		return SourceCredentials{}, fail(timeout.Error()+" (it and the programs it started)", err)
	case err != nil:
		return SourceCredentials{}, fail(fmt.Sprintf("failed: %v", err), err)
	}
	var got struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		return SourceCredentials{}, fail("did not print credential_process JSON", nil)
	}
	switch {
	case got.Version != 1:
		return SourceCredentials{}, fail(fmt.Sprintf("printed Version %d; only 1 exists", got.Version), nil)
	case got.AccessKeyID == "" || got.SecretAccessKey == "":
		return SourceCredentials{}, fail("printed no AccessKeyId or SecretAccessKey", nil)
	}
	creds := SourceCredentials{StaticKey: StaticKey{AccessKeyID: got.AccessKeyID,
		SecretAccessKey: vault.Secret(got.SecretAccessKey), SessionToken: vault.Secret(got.SessionToken)}}
	if got.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, got.Expiration)
		if err != nil {
			return SourceCredentials{}, fail(fmt.Sprintf("printed Expiration %q, which is not RFC 3339", got.Expiration), nil)
		}
		now := time.Now
		if s.env.Now != nil {
			now = s.env.Now
		}
		if !exp.After(now()) {
			return SourceCredentials{}, fail("printed credentials that have already expired", nil)
		}
		creds.Expiration = exp
	}
	return creds, nil
}
