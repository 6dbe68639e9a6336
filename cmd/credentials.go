package cmd

import (
	"context"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/spf13/cobra"
)

// sessionFlags are the flags of every command that hands out credentials.
type sessionFlags struct {
	Duration  time.Duration
	NoSession bool
	MFAToken  string
	Refresh   bool
	// Region overrides the configured region for STS and for what is handed
	// over (AWS_REGION and AWS_DEFAULT_REGION).
	Region string
}

func (s *sessionFlags) register(c *cobra.Command) {
	c.Flags().VarP(durationFlag{&s.Duration}, "duration", "d", "Session length, e.g. 1h, 12h or 1d (default: 12h for session tokens, the profile's duration_seconds or 1h for roles)")
	c.Flags().BoolVarP(&s.NoSession, "no-session", "n", false, "Use the long-term key itself, or assume the role straight from it")
	c.Flags().StringVarP(&s.MFAToken, "mfa-token", "t", "", "MFA code, when the profile has mfa_serial")
	c.Flags().BoolVar(&s.Refresh, "refresh", false, "Ignore cached sessions and ask STS for a new one")
	c.Flags().StringVar(&s.Region, "region", "", "Region for STS and for the credentials handed over (overrides AWS_REGION, AWS_DEFAULT_REGION and the profile's region)")
}

func (s *sessionFlags) options() sts.Options {
	return sts.Options{Duration: s.Duration, NoSession: s.NoSession, MFAToken: s.MFAToken, Refresh: s.Refresh}
}

// resolver is the credential pipeline, with this command's keyring,
// environment, MFA prompt and stderr.
func (f *factory) resolver() (*sts.Resolver, error) {
	store, err := f.Vault()
	if err != nil {
		return nil, err
	}
	return &sts.Resolver{Store: store, Getenv: f.Getenv, MFA: f.mfaCode, Stderr: f.status().writer(f.IO.ErrOut), Now: f.Now, Log: f.Log,
		SSO: f.pipelineSSO, Waiting: f.status().waiting}, nil
}

// resolveChain resolves profile the way the pipeline does (knowing which
// profiles have a stored key).
func resolveChain(f *factory, profile string) (*sts.Resolver, *profiles.Chain, error) {
	set, err := f.Profiles()
	if err != nil {
		return nil, nil, err
	}
	r, err := f.resolver()
	if err != nil {
		return nil, nil, err
	}
	chain, err := r.Resolve(set, profile)
	if err != nil {
		return nil, nil, err
	}
	return r, chain, nil
}

// retrieveCredentials asks the pipeline for profile's credentials.
func retrieveCredentials(ctx context.Context, f *factory, profile string, flags *sessionFlags) (*sts.Result, error) {
	r, chain, err := resolveChain(f, profile)
	if err != nil {
		return nil, err
	}
	r.Getenv = withRegion(r.Getenv, flags.Region)
	return r.Credentials(ctx, chain, flags.options())
}

// withRegion makes --region win over AWS_REGION, AWS_DEFAULT_REGION and
// the profiles' region, for STS and for what is handed over.
func withRegion(getenv func(string) string, region string) func(string) string {
	if region == "" {
		return getenv
	}
	return func(k string) string {
		if k == "AWS_REGION" || k == "AWS_DEFAULT_REGION" {
			return region
		}
		return getenv(k)
	}
}
