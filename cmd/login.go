package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/awskeep/awskeep/sts"
	"github.com/spf13/cobra"
)

type loginOptions struct {
	f           *factory
	Profile     string
	Stdout      bool
	Region      string
	Service     string
	Path        string
	Destination string
	Duration    time.Duration
	MFAToken    string
	Refresh     bool
}

func newLoginCmd(f *factory, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{f: f}
	c := &cobra.Command{
		Use:   "login [PROFILE] [--stdout] [--region R] [--service S | --path P | --destination URL] [--duration D]",
		Short: "Open the AWS console signed in as a profile",
		Long: `Open the AWS Management Console in your browser, signed in as PROFILE (default:
$AWS_PROFILE, then $AWS_DEFAULT_PROFILE, else a picker on a terminal), through AWS's
federation endpoint.

A profile with role_arn signs in with its role session (from the cache when one is
fresh). With mfa_serial, that session is normally assumed with your MFA session
(role chaining), so the console session ends with it, after at most 1 hour;
--duration over 1h (up to 12h) assumes the role straight from the stored key with a
fresh MFA code instead. A profile that chains roles, or whose role is assumed with
temporary credentials, cannot sign in for more than 1 hour, and awskeep says so
before asking AWS for anything.

A profile with only a stored key signs in as a federated user (GetFederationToken,
signed with the key, with a session policy that keeps the user's own permissions).
Such a console session has no MFA context: policies that demand MFA deny it, so for
those use a role with mfa_serial.

The sign-in URL is a secret for 15 minutes: anyone who has it is signed in. awskeep
never logs it (--debug shows SigninToken=***) nor caches it. The browser opener
(BROWSER, xdg-open, open) gets it as an argument, which other users of this machine
can see in the process list while the opener runs; on a shared machine use --stdout.
--stdout prints the URL instead, and is the default when there is no display (SSH,
containers, CI). AWSKEEP_SIGNIN_ENDPOINT replaces the federation endpoint (private
partitions, tests).`,
		Example: `  awskeep login prod
  awskeep login prod --service s3
  awskeep login prod --duration 8h --region eu-west-1
  awskeep login prod --stdout | xclip -selection clipboard`,
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOrPicker)
			if err != nil {
				return err
			}
			opts.Profile = profile
			n := 0
			for _, s := range []string{opts.Service, opts.Path, opts.Destination} {
				if s != "" {
					n++
				}
			}
			if n > 1 {
				return usageErrorf(c, "give one of --service, --path and --destination")
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runLogin(c.Context(), opts)
		},
	}
	c.Flags().BoolVarP(&opts.Stdout, "stdout", "s", false, "Print the sign-in URL instead of opening a browser (default when there is no display)")
	c.Flags().StringVar(&opts.Region, "region", "", "Console region, and the partition's sign-in endpoint (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)")
	c.Flags().StringVar(&opts.Service, "service", "", "Open this service's console page, e.g. s3, ec2, cloudwatch")
	c.Flags().StringVar(&opts.Path, "path", "", "Open this console path, e.g. s3/buckets")
	c.Flags().StringVar(&opts.Destination, "destination", "", "Open this console URL")
	c.Flags().VarP(durationFlag{&opts.Duration}, "duration", "d", "Console session length, 15m to 12h (over 1h only for a role assumed straight from a stored key)")
	c.Flags().StringVarP(&opts.MFAToken, "mfa-token", "t", "", "MFA code, when the profile has mfa_serial")
	c.Flags().BoolVar(&opts.Refresh, "refresh", false, "Ignore cached sessions and ask STS for a new one")
	return c
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	f := opts.f
	r, chain, err := resolveChain(f, opts.Profile)
	if err != nil {
		return err
	}
	r.Getenv = withRegion(r.Getenv, opts.Region)
	plan, err := sts.PlanConsole(chain, sts.Options{Duration: opts.Duration, MFAToken: opts.MFAToken, Refresh: opts.Refresh})
	if err != nil {
		return err
	}
	var creds sts.Credentials
	switch plan.Method {
	case sts.ConsoleFederation:
		if plan.MFASerial != "" {
			fmt.Fprintf(f.IO.ErrOut, "awskeep: warning: %s has only a key, so the console session is a federated user's, without MFA\n"+
				"  (GetFederationToken cannot take an MFA code): policies that require MFA will deny it. For an\n"+
				"  MFA console session, sign in with a role profile: source_profile=%s, role_arn=..., mfa_serial=%s.\n",
				opts.Profile, chain.Source().Profile, plan.MFASerial)
		}
		creds, err = r.FederationCredentials(ctx, chain, plan.FederationDuration)
		if err != nil {
			return err
		}
	default:
		res, err := r.Credentials(ctx, chain, plan.Options)
		if err != nil {
			return err
		}
		remindRotation(f, res.Key, res.Chain)
		creds = res.Credentials
	}
	region := firstOf(opts.Region, r.Getenv("AWS_REGION"), r.Getenv("AWS_DEFAULT_REGION"), chain.Target().Region, chain.Source().Region)
	done := f.status().waiting("asking the AWS sign-in endpoint for a console sign-in token")
	signinURL, err := sts.SigninURL(ctx, sts.SigninRequest{
		Credentials:     creds,
		SessionDuration: plan.SessionDuration,
		Region:          region,
		Destination:     opts.Destination,
		Path:            opts.Path,
		Service:         opts.Service,
		Endpoint:        f.Getenv("AWSKEEP_SIGNIN_ENDPOINT"),
		Log:             f.Log,
	})
	done()
	if err != nil {
		return err
	}
	if opts.Stdout || !f.browserPlausible() {
		_, err := fmt.Fprintln(f.IO.Out, signinURL.Reveal())
		return err
	}
	if err := f.openBrowserFunc()(signinURL.Reveal()); err != nil {
		return fmt.Errorf("opening a browser failed (%v); run 'awskeep login %s --stdout' and open the URL yourself", err, opts.Profile)
	}
	fmt.Fprintf(f.IO.ErrOut, "Opened the AWS console as %s in your browser (the sign-in link works once, for 15 minutes).\n", opts.Profile)
	return nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
