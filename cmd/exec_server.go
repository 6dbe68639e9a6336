package cmd

import (
	"context"
	"fmt"

	"github.com/awskeep/awskeep/internal/credserver"
)

// runExecServer runs the command beside a loopback credentials endpoint, so
// a long-running child gets fresh credentials instead of fixed ones.
func runExecServer(ctx context.Context, opts *execOptions, path string, command []string) error {
	f := opts.f
	// Fetch once up front: a broken profile fails before the child starts,
	// and the MFA prompt (if any) happens now, not inside the child's request.
	r, chain, err := resolveChain(f, opts.Profile)
	if err != nil {
		return err
	}
	first, err := r.Credentials(ctx, chain, opts.Session.options())
	if err != nil {
		return err
	}
	remindRotation(f, first.Key, first.Chain)
	later := opts.Session.options()
	later.Refresh = false // the first fetch refreshed if asked; later ones use the cache
	provider := r.Provider(chain, later)
	fetch := func(ctx context.Context) (credserver.Credentials, error) {
		c, err := provider.Retrieve(ctx)
		if err != nil {
			return credserver.Credentials{}, err
		}
		return credserver.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expires}, nil
	}
	srv, err := credserver.Start(fetch, func(err error) {
		fmt.Fprintf(f.IO.ErrOut, "awskeep: credentials server: %v\n", err)
	})
	if err != nil {
		return fmt.Errorf("starting the credentials server: %w", err)
	}
	defer srv.Close()
	env := childEnv(opts.environ(), opts.Profile, first.Region)
	env = append(env,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI="+srv.URL,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN="+srv.Token,
	)
	f.Log.Debug("exec with credentials server", "path", path, "url", srv.URL)
	return runChild(ctx, path, command, env, f)
}
