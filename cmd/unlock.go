package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type unlockOptions struct {
	f   *factory
	For time.Duration
}

func newUnlockCmd(f *factory, runF func(context.Context, *unlockOptions) error) *cobra.Command {
	opts := &unlockOptions{f: f}
	c := &cobra.Command{
		Use:   "unlock [--for DURATION]",
		Short: "Keep the file keyring unlocked for this login session",
		Long: `Ask the file keyring's passphrase once, derive its key, and keep the unwrapped data key
(never the passphrase) in the Linux kernel's session keyring for DURATION (default 8h).
Until then every awskeep command in this login session reads and writes the file keyring
with no prompt and no key derivation; 'awskeep lock' ends it early, and the kernel drops
the key by itself when DURATION has passed.

The passphrase comes from AWSKEEP_FILE_PASSPHRASE, else a hidden prompt on the terminal,
else one line of standard input. If the file keyring does not exist yet it is created
(the passphrase is asked twice); a store in the older JWE format is converted.

Where the kernel keyring is not available (Docker's default seccomp profile blocks it;
other systems than Linux have none), unlock says so and exits 1; commands then ask for
the passphrase each time.`,
		Example: "  awskeep unlock\n  awskeep unlock --for 30m\n  printf '%s\\n' \"$PASSPHRASE\" | awskeep unlock",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runUnlock(c.Context(), opts)
		},
	}
	opts.For = vault.DefaultUnlockFor
	c.Flags().Var(durationFlag{&opts.For}, "for", "How long to stay unlocked, e.g. 30m, 8h or 1d")
	return c
}

func runUnlock(_ context.Context, opts *unlockOptions) error {
	f := opts.f
	f.passphraseFromStdin = true
	f.noUnlockSideEffect = true
	store, err := f.Vault()
	if err != nil {
		return err
	}
	before, _ := store.Status()
	until, err := store.UnlockFile(opts.For)
	if err != nil {
		return err
	}
	st, _ := store.Status()
	if before.Format == vault.FormatJWE || before.Format == vault.FormatConverting {
		fmt.Fprintf(f.IO.ErrOut, "Converted the file keyring in %s from the JWE format to %s.\n", st.Location, st.Format)
	}
	fmt.Fprintf(f.IO.ErrOut, "Unlocked the file keyring in %s until %s (%s), in %s.\n'awskeep lock' locks it again.\n",
		st.Location, until.Local().Format("2006-01-02 15:04:05"), opts.For, st.UnlockCache)
	return nil
}

type lockOptions struct {
	f *factory
}

func newLockCmd(f *factory, runF func(context.Context, *lockOptions) error) *cobra.Command {
	opts := &lockOptions{f: f}
	return &cobra.Command{
		Use:   "lock",
		Short: "Lock the file keyring again (drop its key from the kernel keyring)",
		Long: `Drop the file keyring's data key that 'awskeep unlock' (or a typed passphrase) left in the
kernel keyring. The next command that reads or writes the file keyring asks for the
passphrase again. Commands already running keep the key they hold until they end.`,
		Example: "  awskeep lock",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runLock(c.Context(), opts)
		},
	}
}

func runLock(_ context.Context, opts *lockOptions) error {
	store, err := opts.f.Vault()
	if err != nil {
		return err
	}
	was, err := store.LockFile()
	if err != nil {
		return err
	}
	st, _ := store.Status()
	if was {
		fmt.Fprintf(opts.f.IO.ErrOut, "Locked the file keyring in %s.\n", st.Location)
	} else {
		fmt.Fprintf(opts.f.IO.ErrOut, "The file keyring in %s was not unlocked in this session.\n", st.Location)
	}
	return nil
}
