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
		Use:   "export [PROFILE] [--format export-env|env|json|ini]",
		Short: "Print a profile's credentials",
		Long: `Print short-lived credentials for PROFILE (default: $AWS_PROFILE, then
$AWS_DEFAULT_PROFILE, else a picker on a terminal) on standard output, in one of
these formats:

  export-env  export KEY='value' lines for a POSIX shell (the default), for eval
  env         KEY=value lines (dotenv), for docker --env-file, systemd or .env files
  json        credential_process JSON
  ini         a credentials-file section

The variables are AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (for a
session), AWS_CREDENTIAL_EXPIRATION (for a session), AWS_REGION and AWS_DEFAULT_REGION
(when a region is configured or given with --region). The output contains secrets:
pipe it, do not paste it.`,
		Example: `  eval "$(awskeep export prod)"
  awskeep export prod --format env > .env
  awskeep export prod --format json
  awskeep export prod --format ini >> /tmp/ci-credentials`,
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOrPicker)
			if err != nil {
				return err
			}
			opts.Profile = profile
			switch opts.Format {
			case "export-env", "env", "json", "ini":
			default:
				return usageErrorf(c, "--format must be export-env, env, json or ini, not %q", opts.Format)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runExport(c.Context(), opts)
		},
	}
	opts.Session.register(c)
	c.Flags().StringVarP(&opts.Format, "format", "f", "export-env", "Output format: export-env (export KEY='value'), env (KEY=value), json or ini")
	_ = c.RegisterFlagCompletionFunc("format", completeValues("export-env", "env", "json", "ini"))
	return c
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
	case "env":
		return writeEnvLines(out, creds, dotenvLine)
	default:
		return writeEnvLines(out, creds, exportLine)
	}
}

// writeEnvLines writes the credentials' variables, one line each.
func writeEnvLines(out io.Writer, creds *sts.Result, line func(k, v string) string) error {
	vars := [][2]string{
		{"AWS_ACCESS_KEY_ID", creds.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey.Reveal()},
	}
	if !creds.SessionToken.IsZero() {
		vars = append(vars, [2]string{"AWS_SESSION_TOKEN", creds.SessionToken.Reveal()})
	}
	if !creds.Expiration.IsZero() {
		vars = append(vars, [2]string{"AWS_CREDENTIAL_EXPIRATION", creds.Expiration.UTC().Format(time.RFC3339)})
	}
	if creds.Region != "" {
		vars = append(vars, [2]string{"AWS_REGION", creds.Region}, [2]string{"AWS_DEFAULT_REGION", creds.Region})
	}
	var b strings.Builder
	for _, kv := range vars {
		b.WriteString(line(kv[0], kv[1]))
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// exportLine is a POSIX shell line that exports k.
func exportLine(k, v string) string { return "export " + k + "=" + shellQuote(v) + "\n" }

// dotenvLine is KEY=value, unquoted as docker --env-file needs it (it keeps
// quotes as part of the value). Keys, tokens, dates and regions never hold
// a character that needs quoting; a value that does (a strange region typed
// by hand) is single-quoted, which dotenv parsers and shells read literally.
func dotenvLine(k, v string) string {
	if strings.ContainsAny(v, " \t\n\r'\"\\#$`!;&|<>(){}*?[]~") {
		return k + "=" + shellQuote(v) + "\n"
	}
	return k + "=" + v + "\n"
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
