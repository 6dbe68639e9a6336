package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

type credentialProcessOptions struct {
	f       *factory
	Profile string
	Session sessionFlags
}

func newCredentialProcessCmd(f *factory, runF func(context.Context, *credentialProcessOptions) error) *cobra.Command {
	opts := &credentialProcessOptions{f: f}
	c := &cobra.Command{
		Use:   "credential-process [PROFILE] [flags]",
		Short: "Print credentials as credential_process JSON, for the AWS CLI and SDKs",
		Long: `Print credentials for PROFILE in the credential_process format (Version 1,
AccessKeyId, SecretAccessKey, SessionToken, Expiration). Point a profile at awskeep with:

  [profile prod-cli]
  credential_process = awskeep credential-process prod

Only the JSON goes to standard output. MFA codes are asked for on the terminal (or
come from mfa_process), and parallel callers share one cached session and one prompt.`,
		Example:           "  aws configure set credential_process 'awskeep credential-process prod' --profile prod-cli",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOnly)
			if err != nil {
				return err
			}
			opts.Profile = profile
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runCredentialProcess(c.Context(), opts)
		},
	}
	opts.Session.register(c)
	return c
}

func runCredentialProcess(ctx context.Context, opts *credentialProcessOptions) error {
	// No status line of waits, even on a terminal: the tool that runs this
	// (terraform runs many at once) shares that terminal with its other
	// helpers, and one of them may be asking for an MFA code there.
	opts.f.status().mute()
	creds, err := retrieveCredentials(ctx, opts.f, opts.Profile, &opts.Session)
	if err != nil {
		return err
	}
	remindRotationOnTTY(opts.f, creds.Key, creds.Chain)
	return writeCredentialProcessJSON(opts.f.IO.Out, creds)
}
