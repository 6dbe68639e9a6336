package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"github.com/awskeep/awskeep/sts"
	"github.com/spf13/cobra"
)

type execOptions struct {
	f       *factory
	Profile string
	Command []string
	Session sessionFlags
	Server  bool

	// environ is the environment the child starts from; replaceProcess
	// becomes the child (execve). Both are injected for tests.
	environ        func() []string
	replaceProcess func(path string, argv, env []string) error
	// verify checks the long-term key after a failed --no-session child.
	verify func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error)
}

func newExecCmd(f *factory, runF func(context.Context, *execOptions) error) *cobra.Command {
	opts := &execOptions{f: f, environ: os.Environ, replaceProcess: replaceProcess, verify: sts.GetCallerIdentity}
	c := &cobra.Command{
		Use:   "exec [PROFILE] [flags] [--] [CMD ARGS...]",
		Short: "Run a command with a profile's credentials in its environment",
		Long: `Run CMD (default: $SHELL) with short-lived credentials for PROFILE (default:
$AWS_PROFILE, then $AWS_DEFAULT_PROFILE, else a picker on a terminal) in its
environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION, and AWSKEEP=PROFILE.
AWS_PROFILE, AWS_DEFAULT_PROFILE, older key variables, awskeep's own secrets and every
AWS_VAULT* variable (aws-vault's) are removed. awskeep replaces itself with CMD, so no
awskeep process keeps the secrets. With --no-session and no role, the child gets the
long-term key itself; awskeep then waits for it and, if it fails, checks the key once
and explains when AWS rejects it.

awskeep's flags go before CMD; everything from CMD on belongs to CMD, so
'awskeep exec prod aws s3 ls --recursive' needs no '--'. Use '--' when CMD itself
starts with '-', or to run CMD with $AWS_PROFILE: 'awskeep exec -- aws s3 ls'.

With --server the child instead gets AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN for a loopback endpoint that hands out fresh
credentials as they near expiry, for long-running programs; awskeep then stays
running beside the child, forwards signals and exits with the child's code.`,
		Example: `  awskeep exec prod aws s3 ls
  awskeep exec prod                      # a shell with prod's credentials
  awskeep exec prod --duration 1h terraform plan
  awskeep exec prod --region eu-west-1 -- aws ec2 describe-instances
  awskeep exec prod --server python long_job.py`,
		ValidArgsFunction: completeProfiles(f),
		// Flags are parsed up to PROFILE here and after it in splitArgs,
		// which runs before --debug takes effect.
		Args: func(c *cobra.Command, args []string) error { return opts.splitArgs(c, args) },
		RunE: func(c *cobra.Command, args []string) error {
			if help, _ := c.Flags().GetBool("help"); help {
				return c.Help()
			}
			if opts.Profile == "" {
				profile, err := profileArg(c, f, nil, fromEnvOrPicker)
				if err != nil {
					return err
				}
				opts.Profile = profile
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runExec(c.Context(), opts)
		},
	}
	c.Flags().SetInterspersed(false)
	opts.Session.register(c)
	c.Flags().BoolVarP(&opts.Server, "server", "s", false, "Serve refreshing credentials to the child through a local container-credentials endpoint")
	return c
}

// splitArgs takes exec's arguments apart: [PROFILE] [flags] [--] [CMD ARGS...].
// Flag parsing stopped at the first argument (PROFILE); awskeep's flags that
// follow it are parsed here, up to CMD or "--". Everything from CMD on is CMD's.
func (opts *execOptions) splitArgs(c *cobra.Command, args []string) error {
	if c.ArgsLenAtDash() == 0 { // exec [flags] -- CMD...: the profile comes from the environment
		opts.Command = args
		return nil
	}
	if len(args) == 0 {
		return nil
	}
	opts.Profile, args = args[0], args[1:]
	if len(args) > 0 && args[0] != "--" && strings.HasPrefix(args[0], "-") {
		if err := c.Flags().Parse(args); err != nil {
			return usageErrorf(c, "%v (awskeep's flags go before CMD; put '--' before a CMD that starts with '-')", err)
		}
		args = c.Flags().Args()
	} else if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	opts.Command = args
	return nil
}

// nestedExecError: exec inside an awskeep exec shell would mix two profiles.
type nestedExecError struct{ outer, inner string }

func (e *nestedExecError) Error() string {
	return fmt.Sprintf("already inside 'awskeep exec %s' (AWSKEEP=%s); exit that shell first, then run 'awskeep exec %s'", e.outer, e.outer, e.inner)
}

func runExec(ctx context.Context, opts *execOptions) error {
	f := opts.f
	if outer := f.Getenv("AWSKEEP"); outer != "" {
		return &nestedExecError{outer: outer, inner: opts.Profile}
	}
	command := opts.Command
	if len(command) == 0 {
		shell := f.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		command = []string{shell}
	}
	path, err := exec.LookPath(command[0])
	if err != nil {
		return &commandStartError{name: command[0], err: err}
	}
	if opts.Server {
		return runExecServer(ctx, opts, path, command)
	}
	creds, err := retrieveCredentials(ctx, f, opts.Profile, &opts.Session)
	if err != nil {
		return err
	}
	remindRotation(f, creds.Key, creds.Chain)
	env := childEnv(opts.environ(), opts.Profile, creds.Region)
	env = append(env,
		"AWS_ACCESS_KEY_ID="+creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey.Reveal(),
	)
	if !creds.SessionToken.IsZero() {
		env = append(env, "AWS_SESSION_TOKEN="+creds.SessionToken.Reveal())
	}
	if !creds.Expiration.IsZero() {
		env = append(env, "AWS_CREDENTIAL_EXPIRATION="+creds.Expiration.UTC().Format(time.RFC3339))
	}
	f.Log.Debug("exec", "path", path, "profile", opts.Profile)
	if creds.Source == sts.SourceLongTermKey {
		// The child holds the long-term key itself: stay beside it, so that
		// if it fails because AWS no longer accepts the key, we can say so.
		err := runChild(ctx, path, command, env, f)
		var exit *exitCodeError
		if errors.As(err, &exit) {
			explainIfKeyRejected(ctx, opts, creds)
		}
		return err
	}
	if opts.replaceProcess != nil {
		err := opts.replaceProcess(path, command, env)
		if !errors.Is(err, errCannotReplace) {
			return &commandStartError{name: command[0], err: err}
		}
	}
	return runChild(ctx, path, command, env, f)
}

// explainIfKeyRejected checks the long-term key once after a failed child
// and, if AWS rejects it, prints the explanation after the child's output.
func explainIfKeyRejected(ctx context.Context, opts *execOptions, creds *sts.Result) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	r, err := opts.f.resolver()
	if err != nil {
		return
	}
	r.CallerIdentity = opts.verify
	if err := r.VerifySource(ctx, creds); err != nil {
		renderErrorFor(opts.f.IO.ErrOut, opts.f.hints().forProfile(opts.Profile), err)
	}
}

// childEnv is the parent's environment without anything that would compete
// with the credentials awskeep hands over or leak awskeep's own secrets, and
// without aws-vault's variables (AWS_VAULT, AWS_VAULT_FILE_PASSPHRASE, ...):
// they hold its secrets, and its nesting marker would mislead prompts.
func childEnv(parent []string, profile, region string) []string {
	drop := map[string]bool{
		"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
		"AWS_SECURITY_TOKEN": true, "AWS_CREDENTIAL_EXPIRATION": true, "AWS_CREDENTIAL_FILE": true,
		"AWS_PROFILE": true, "AWS_DEFAULT_PROFILE": true, "AWS_ACCESS_KEY": true, "AWS_SECRET_KEY": true,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": true, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": true,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN": true, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": true,
		"AWSKEEP": true,
	}
	if region != "" {
		drop["AWS_REGION"], drop["AWS_DEFAULT_REGION"] = true, true
	}
	env := make([]string, 0, len(parent)+8)
	for _, kv := range parent {
		name, _, _ := strings.Cut(kv, "=")
		if drop[name] || isAwskeepSecretVar(name) || strings.HasPrefix(name, "AWS_VAULT") {
			continue
		}
		env = append(env, kv)
	}
	if region != "" {
		env = append(env, "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
	}
	return append(env, "AWSKEEP="+profile)
}

// isAwskeepSecretVar: awskeep's variables that hold secrets never reach a child.
func isAwskeepSecretVar(name string) bool {
	if !strings.HasPrefix(name, "AWSKEEP_") {
		return false
	}
	for _, s := range []string{"PASSPHRASE", "PASSWORD", "SECRET", "TOKEN"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// runChild runs the command as a child (where the process cannot be
// replaced), forwarding signals and passing its exit code through.
func runChild(ctx context.Context, path string, argv, env []string, f *factory) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f.IO.In, f.IO.Out, f.IO.ErrOut
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	f.status().mute() // the terminal is the child's now
	if err := cmd.Start(); err != nil {
		return &commandStartError{name: argv[0], err: err}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			_ = cmd.Process.Signal(s)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return &exitCodeError{code: exitStatus(exit)}
			}
			if err != nil {
				return fmt.Errorf("running %s: %w", argv[0], err)
			}
			return nil
		}
	}
}
