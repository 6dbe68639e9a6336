package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/awskeep/awskeep/sts"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

type exportOptions struct {
	f       *factory
	Profile string
	Format  string
	Session sessionFlags
}

func newExportCmd(f *factory, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{f: f}
	c := &cobra.Command{
		Use:   "export [PROFILE] [--format env|json|ini]",
		Short: "Print a profile's credentials",
		Long: `Print short-lived credentials for PROFILE (default: $AWS_PROFILE) on standard output:
as shell export lines (env), as credential_process JSON (json), or as a credentials-file
section (ini). The output contains secrets: pipe it, do not paste it.`,
		Example: `  eval "$(awskeep export prod)"
  awskeep export prod --format json
  awskeep export prod --format ini >> /tmp/ci-credentials`,
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args)
			if err != nil {
				return err
			}
			opts.Profile = profile
			switch opts.Format {
			case "env", "json", "ini":
			default:
				return usageErrorf(c, "--format must be env, json or ini, not %q", opts.Format)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runExport(c.Context(), opts)
		},
	}
	opts.Session.register(c)
	c.Flags().StringVarP(&opts.Format, "format", "f", "env", "Output format: env, json or ini")
	_ = c.RegisterFlagCompletionFunc("format", completeValues("env", "json", "ini"))
	return c
}

// profileArg is PROFILE, or $AWS_PROFILE when it is omitted (never "default" silently).
func profileArg(c *cobra.Command, f *factory, args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	if p := f.Getenv("AWS_PROFILE"); p != "" {
		return p, nil
	}
	return "", usageErrorf(c, "which profile? give PROFILE or set AWS_PROFILE")
}

func runExport(ctx context.Context, opts *exportOptions) error {
	creds, err := retrieveCredentials(ctx, opts.f, opts.Profile, &opts.Session)
	if err != nil {
		return err
	}
	remindRotation(opts.f, creds.Key, creds.Chain)
	out := opts.f.IO.Out
	switch opts.Format {
	case "json":
		return writeCredentialProcessJSON(out, creds)
	case "ini":
		fmt.Fprintf(out, "[%s]\n", opts.Profile)
		fmt.Fprintf(out, "aws_access_key_id = %s\n", creds.AccessKeyID)
		fmt.Fprintf(out, "aws_secret_access_key = %s\n", creds.SecretAccessKey.Reveal())
		if !creds.SessionToken.IsZero() {
			fmt.Fprintf(out, "aws_session_token = %s\n", creds.SessionToken.Reveal())
		}
		if creds.Region != "" {
			fmt.Fprintf(out, "region = %s\n", creds.Region)
		}
		return nil
	default:
		line := func(k, v string) { fmt.Fprintf(out, "export %s=%s\n", k, shellQuote(v)) }
		line("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
		line("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey.Reveal())
		if !creds.SessionToken.IsZero() {
			line("AWS_SESSION_TOKEN", creds.SessionToken.Reveal())
		}
		if !creds.Expiration.IsZero() {
			line("AWS_CREDENTIAL_EXPIRATION", creds.Expiration.UTC().Format(time.RFC3339))
		}
		if creds.Region != "" {
			line("AWS_REGION", creds.Region)
			line("AWS_DEFAULT_REGION", creds.Region)
		}
		return nil
	}
}

// credentialProcessOutput is the JSON the AWS CLI and SDKs expect from a
// credential_process helper.
type credentialProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

func writeCredentialProcessJSON(w io.Writer, creds *sts.Result) error {
	out := credentialProcessOutput{
		Version:         1,
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey.Reveal(),
		SessionToken:    creds.SessionToken.Reveal(),
	}
	if !creds.Expiration.IsZero() {
		out.Expiration = creds.Expiration.UTC().Format(time.RFC3339)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// shellQuote quotes s for POSIX shells.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
