// Package cmd holds awskeep's commands: flags, arguments, prompts, output
// formats and exit codes. It stays thin: each command parses its input, calls
// profiles, vault or sts, and renders the result. It never talks to AWS or the
// keyring except through those packages.
package cmd

import (
	"context"
	"log/slog"

	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

// Execute runs awskeep with the process's arguments and returns its exit code.
func Execute() int {
	f := newSystemFactory()
	root := newRootCmd(f)
	c, err := root.ExecuteContextC(context.Background())
	return renderErrorFor(f.IO.ErrOut, hintsFor(c), err)
}

func newRootCmd(f *factory) *cobra.Command {
	var debug bool
	root := &cobra.Command{
		Use:   "awskeep",
		Short: "Keep AWS access keys in the OS keyring and hand out short-lived credentials",
		Long: `awskeep keeps long-term IAM access keys in the operating system's keyring instead of
the plain-text ~/.aws/credentials, manages profiles in ~/.aws/config, turns a stored key
into short-lived STS credentials (with MFA and assumed roles), and hands them to other
programs: by running them (exec), by printing them (export), or as a credential_process
helper for the AWS CLI and SDKs.`,
		Example: `  awskeep add work
  awskeep exec work aws sts get-caller-identity
  awskeep profile show work`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(c *cobra.Command, _ []string) {
			f.running = c
			if debug {
				f.Log = slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
		},
	}
	// --version prints "awskeep version V" ('awskeep version' says more).
	// No custom version template: executing one would keep every method
	// reachable and double the binary.
	root.Version = currentBuild().Version
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.PersistentFlags().BoolVar(&debug, "debug", false, "Write debug events (never secrets) to stderr")
	root.PersistentFlags().StringVar(&f.backend, "backend", "", "Keyring backend (overrides AWSKEEP_BACKEND): secret-service, kwallet, keychain, wincred, pass, keyctl, file")
	_ = root.RegisterFlagCompletionFunc("backend", completeValues(vault.BackendNames()...))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, "%v", err) })

	root.AddCommand(
		newAddCmd(f, nil),
		newRemoveCmd(f, nil),
		newListCmd(f, nil),
		newExecCmd(f, nil),
		newExportCmd(f, nil),
		newCredentialProcessCmd(f, nil),
		newLoginCmd(f, nil),
		newClearCmd(f, nil),
		newRotateCmd(f, nil),
		newDoctorCmd(f, nil),
		newUnlockCmd(f, nil),
		newLockCmd(f, nil),
		newKeyringCmd(f),
		newProfileCmd(f),
		newSSOCmd(f),
		newVersionCmd(f),
	)
	describeCompletionCmd(root)
	guardCommandGroups(root)
	return root
}
