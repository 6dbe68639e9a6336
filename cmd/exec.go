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
		Use:   "exec [PROFILE] [flags] [-- CMD ARGS...]",
		Short: "Run a command with a profile's credentials in its environment",
		Long: `Run CMD (default: $SHELL) with short-lived credentials for PROFILE (default: $AWS_PROFILE)
in its environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION, and AWSKEEP=PROFILE.
AWS_PROFILE, AWS_DEFAULT_PROFILE, older key variables and awskeep's own secrets are
removed. awskeep replaces itself with CMD, so no awskeep process keeps the secrets.
With --no-session and no role, the child gets the long-term key itself; awskeep then
waits for it and, if it fails, checks the key once and explains when AWS rejects it.

With --server the child instead gets AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN for a loopback endpoint that hands out fresh
credentials as they near expiry, for long-running programs; awskeep then stays
running beside the child, forwards signals and exits with the child's code.`,
		Example: `  awskeep exec prod -- aws s3 ls
  awskeep exec prod                      # a shell with prod's credentials
  awskeep exec prod --duration 1h -- terraform plan
  awskeep exec prod --server -- python long_job.py`,
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			before := args
			if dash := c.ArgsLenAtDash(); dash >= 0 {
				before, opts.Command = args[:dash], args[dash:]
			}
			switch len(before) {
			case 0:
				opts.Profile = f.Getenv("AWS_PROFILE")
				if opts.Profile == "" {
					return usageErrorf(c, "which profile? give PROFILE or set AWS_PROFILE")
				}
			case 1:
				opts.Profile = before[0]
			default:
				return usageErrorf(c, "put the command after --: awskeep exec %s -- %s", before[0], strings.Join(before[1:], " "))
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runExec(c.Context(), opts)
		},
	}
	opts.Session.register(c)
	c.Flags().BoolVarP(&opts.Server, "server", "s", false, "Serve refreshing credentials to the child through a local container-credentials endpoint")
	return c
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
		renderError(opts.f.IO.ErrOut, err)
	}
}

// childEnv is the parent's environment without anything that would compete
// with the credentials awskeep hands over or leak awskeep's own secrets.
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
		if drop[name] || isAwskeepSecretVar(name) {
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
