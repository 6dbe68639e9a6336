package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type removeOptions struct {
	f       *factory
	Profile string
	Force   bool

	// store opens the keyring; tests hand in another store.
	store func() (removeStore, error)
}

// removeStore is what remove needs of the keyring (*vault.Store).
type removeStore interface {
	Key(profile string) (vault.Key, error)
	KeyInfo(profile string) (vault.KeyInfo, error)
	DeleteKey(profile string) error
	DeleteSessions(match func(vault.SessionInfo) bool) (int, error)
	RotationJournal(profile string) (vault.RotationJournal, error)
	DeleteRotationJournal(profile string) error
}

func newRemoveCmd(f *factory, runF func(context.Context, *removeOptions) error) *cobra.Command {
	opts := &removeOptions{f: f, store: func() (removeStore, error) { return f.Vault() }}
	c := &cobra.Command{
		Use:     "remove [PROFILE] [--force]",
		Aliases: []string{"rm"},
		Short:   "Delete a stored key and every cached session derived from it",
		Long: `Delete the key stored for PROFILE and every cached session made from it. The key itself
stays valid in IAM: delete or deactivate it there too if it is no longer needed. A stored
key that can no longer be read (damaged) is removed all the same. Asks for confirmation
on a terminal; --force skips the question (needed without a terminal).`,
		Example:           "  awskeep remove old-project\n  awskeep remove ci --force",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOrPicker)
			if err != nil {
				return err
			}
			opts.Profile = profile
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runRemove(c.Context(), opts)
		},
	}
	c.Flags().BoolVarP(&opts.Force, "force", "f", false, "Do not ask for confirmation")
	return c
}

func runRemove(_ context.Context, opts *removeOptions) error {
	f := opts.f
	store, err := opts.store()
	if err != nil {
		return err
	}
	key, err := store.Key(opts.Profile)
	var notFound *vault.NotFoundError
	var damaged *vault.DamagedItemError
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("no key is stored for profile %s (see 'awskeep list')", opts.Profile)
	case errors.As(err, &damaged):
		// It cannot be read, so it cannot be used: removing it is the fix.
		// Its key id may still be known from the item names alone.
		key = vault.Key{Profile: opts.Profile}
		if info, err := store.KeyInfo(opts.Profile); err == nil {
			key.AccessKeyID = info.AccessKeyID
		}
		fmt.Fprintf(f.IO.ErrOut, "awskeep: %v\n", damaged)
	case err != nil:
		return err
	}
	what := "the stored key " + sts.MaskKeyID(key.AccessKeyID)
	if damaged != nil {
		what = "the damaged stored key"
		if key.AccessKeyID != "" {
			what += " " + sts.MaskKeyID(key.AccessKeyID)
		}
	}
	if !opts.Force {
		ok, err := confirm(f, fmt.Sprintf("Delete %s of profile %s? [y/N] ", what, opts.Profile))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(f.IO.ErrOut, "Nothing deleted.")
			return nil
		}
	}
	// Sessions first: a session left behind without its key could not be
	// explained or purged later.
	n, err := store.DeleteSessions(func(s vault.SessionInfo) bool {
		return (key.AccessKeyID != "" && s.SourceKeyID == key.AccessKeyID) || s.Profile == opts.Profile
	})
	if err != nil {
		return err
	}
	if err := store.DeleteKey(opts.Profile); err != nil {
		return err
	}
	// An unfinished rotation cannot finish without the key; its journal may
	// hold a new key's secret, which must not outlive the removal. A journal
	// that cannot be read goes too.
	j, err := store.RotationJournal(opts.Profile)
	var damagedJournal *vault.DamagedItemError
	if err == nil || errors.As(err, &damagedJournal) {
		if err := store.DeleteRotationJournal(opts.Profile); err != nil {
			return err
		}
		switch {
		case damagedJournal != nil:
			fmt.Fprintf(f.IO.ErrOut, "Dropped the damaged journal of an unfinished rotation of %s: a new key it created may still be in IAM ('aws iam list-access-keys' shows them).\n", opts.Profile)
		case j.NewKey.AccessKeyID != "" && j.NewKey.AccessKeyID != key.AccessKeyID:
			fmt.Fprintf(f.IO.ErrOut, "Dropped an unfinished rotation of %s: the new key %s it created is still in IAM; delete it there.\n",
				opts.Profile, sts.MaskKeyID(j.NewKey.AccessKeyID))
		}
	}
	fmt.Fprintf(f.IO.ErrOut, "Deleted %s of profile %s and %d cached session%s.\n", strings.TrimPrefix(what, "the stored "), opts.Profile, n, plural(n))
	if damaged != nil {
		fmt.Fprintf(f.IO.ErrOut, "To use the key again, store it anew: awskeep add %s\n", opts.Profile)
	}
	fmt.Fprintln(f.IO.ErrOut, "The key is still valid in IAM; delete it there if nobody needs it.")
	return nil
}

// confirm asks a yes/no question on the terminal; without one it refuses
// rather than guessing.
func confirm(f *factory, question string) (bool, error) {
	tty, err := f.IO.openTTY()
	if err != nil {
		return false, errors.New("no terminal to confirm on; add --force to delete without asking")
	}
	defer tty.Close()
	fmt.Fprint(tty, question)
	answer, err := readLine(tty)
	if err != nil {
		return false, nil
	}
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", nil
}
