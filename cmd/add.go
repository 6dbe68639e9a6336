package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type addOptions struct {
	f        *factory
	Profile  string
	FromEnv  bool
	NoVerify bool
	Force    bool // replace a stored key without asking

	// verify and keyCreated reach AWS; tests replace them.
	verify     func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error)
	keyCreated func(context.Context, sts.ClientConfig, sts.StaticKey, string) (time.Time, error)
}

func newAddCmd(f *factory, runF func(context.Context, *addOptions) error) *cobra.Command {
	opts := &addOptions{f: f, verify: sts.GetCallerIdentity, keyCreated: sts.KeyCreated}
	c := &cobra.Command{
		Use:   "add [PROFILE] [--env] [--no-verify]",
		Short: "Store an access key pair for a profile in the keyring",
		Long: `Store a long-term IAM access key pair for PROFILE in the keyring.

The key is read from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with --env; otherwise
awskeep asks on the terminal (the secret is not echoed); otherwise it reads two lines,
the key id and the secret, from standard input. The key is checked with STS
GetCallerIdentity (skip with --no-verify), its creation date is read from IAM when the
key may list its own keys, and [profile PROFILE] is added to ~/.aws/config if missing.

When PROFILE already has a different key stored, add shows it (masked) and asks before
replacing it; without a terminal it needs --force. The replaced key stays valid in IAM
('awskeep rotate' replaces a key and deletes the old one there).`,
		Example: `  awskeep add work
  AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... awskeep add work --env
  printf '%s\n%s\n' "$KEY_ID" "$SECRET" | awskeep add ci`,
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOnly)
			if err != nil {
				return err
			}
			opts.Profile = profile
			if err := profiles.CheckProfileName(opts.Profile); err != nil {
				return usageErrorf(c, "%v", err)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runAdd(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.FromEnv, "env", false, "Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	c.Flags().BoolVar(&opts.NoVerify, "no-verify", false, "Store the key without checking it with AWS")
	c.Flags().BoolVarP(&opts.Force, "force", "f", false, "Replace a key already stored for PROFILE without asking")
	return c
}

func runAdd(ctx context.Context, opts *addOptions) error {
	f := opts.f
	keyID, secret, err := readKeyPair(opts)
	if err != nil {
		return err
	}
	if err := checkKeyPair(keyID, secret); err != nil {
		return err
	}
	set, err := f.Profiles()
	if err != nil {
		return err
	}
	store, err := f.Vault()
	if err != nil {
		return err
	}
	old, err := store.Key(opts.Profile)
	replacing := err == nil && old.AccessKeyID != keyID
	if replacing && !opts.Force {
		ok, err := confirmReplace(f, opts.Profile, old)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(f.IO.ErrOut, "Nothing stored; the old key stays.")
			return nil
		}
	}
	now := f.Now().UTC()
	key := vault.Key{Profile: opts.Profile, AccessKeyID: keyID, SecretAccessKey: secret, CreatedAt: now, AddedAt: now}
	if !opts.NoVerify {
		// The profile's own settings, even if its chain does not resolve.
		var own profiles.Hop
		if p, err := set.Profile(opts.Profile); err == nil {
			region, _ := p.Get("region")
			endpoint, _ := p.Get("endpoint_url")
			own = profiles.Hop{Profile: opts.Profile, Region: region.Text, EndpointURL: endpoint.Text}
		}
		cfg := sts.ClientConfigFor(f.Getenv, profiles.ChainOf(own))
		static := sts.StaticKey{AccessKeyID: keyID, SecretAccessKey: secret}
		f.Log.Debug("verifying key", "profile", opts.Profile, "key", sts.MaskKeyID(keyID), "endpoint", cfg.STSEndpoint)
		done := f.status().waiting("asking AWS STS whose key this is")
		id, err := opts.verify(ctx, cfg, static)
		done()
		if err != nil {
			return &keyNotStoredError{profile: opts.Profile, err: err}
		}
		key.Account, key.ARN, key.UserName = id.Account, id.ARN, id.UserName
		if id.IsRoot {
			fmt.Fprintf(f.IO.ErrOut, "WARNING: this key belongs to the root user of account %s.\n"+
				"  Root keys cannot be limited by IAM policies. Create an IAM user for everyday work\n"+
				"  and delete this key in the console (Security credentials).\n", id.Account)
		}
		done = f.status().waiting("asking AWS IAM when the key was created")
		created, err := opts.keyCreated(ctx, cfg, static, id.UserName)
		done()
		if err == nil && !created.IsZero() {
			key.CreatedAt, key.CreatedFromIAM = created.UTC(), true
		} else if err != nil {
			f.Log.Debug("key creation date not available from IAM; using the time added", "err", err)
		}
	}
	if replacing {
		n, _ := store.DeleteSessions(func(s vault.SessionInfo) bool { return s.SourceKeyID == old.AccessKeyID })
		f.Log.Debug("replacing stored key", "old", sts.MaskKeyID(old.AccessKeyID), "sessions_dropped", n)
	}
	if err := store.PutKey(key); err != nil {
		return err
	}
	if !set.Has(opts.Profile) {
		err := profiles.EditFile(set.Paths().Config, func(d *profiles.Document) error {
			d.AddSection(profiles.ConfigSection(opts.Profile))
			return nil
		})
		if err != nil {
			return fmt.Errorf("the key is stored, but adding [%s] to %s failed: %w", profiles.ConfigSection(opts.Profile), set.Paths().Config, err)
		}
	}
	msg := fmt.Sprintf("Stored key %s for profile %s in the %s keyring", sts.MaskKeyID(keyID), opts.Profile, store.Backend())
	if key.ARN != "" {
		msg += fmt.Sprintf(" (%s)", key.ARN)
	} else {
		msg += " (not verified)"
	}
	fmt.Fprintln(f.IO.ErrOut, msg+".")
	if replacing {
		fmt.Fprintf(f.IO.ErrOut, "It replaces key %s, which is still valid in IAM: deactivate or delete it there if nobody needs it.\n", sts.MaskKeyID(old.AccessKeyID))
	}
	return nil
}

// keyExistsError: add would replace a stored key and has no terminal to ask.
type keyExistsError struct {
	profile string
	old     vault.Key
}

func (e *keyExistsError) Error() string {
	return fmt.Sprintf("profile %s already has key %s stored (added %s); add --force to replace it (it stays valid in IAM), or use 'awskeep rotate %s' to replace it and delete it in IAM",
		e.profile, sts.MaskKeyID(e.old.AccessKeyID), e.old.AddedAt.Format("2006-01-02"), e.profile)
}

// confirmReplace asks on the terminal whether to replace the stored key old.
func confirmReplace(f *factory, profile string, old vault.Key) (bool, error) {
	tty, err := f.IO.openTTY()
	if err != nil {
		return false, &keyExistsError{profile: profile, old: old}
	}
	defer tty.Close()
	fmt.Fprintf(tty, "Profile %s already has key %s (added %s). It stays valid in IAM after it is replaced.\nReplace it? [y/N] ",
		profile, sts.MaskKeyID(old.AccessKeyID), old.AddedAt.Format("2006-01-02"))
	answer, err := readLine(tty)
	if err != nil {
		return false, nil
	}
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes", nil
}

// keyNotStoredError says that verification failed and nothing was stored.
type keyNotStoredError struct {
	profile string
	err     error
}

func (e *keyNotStoredError) Error() string {
	return fmt.Sprintf("key for %s not stored: %v", e.profile, e.err)
}
func (e *keyNotStoredError) Unwrap() error { return e.err }

func readKeyPair(opts *addOptions) (string, vault.Secret, error) {
	f := opts.f
	if opts.FromEnv {
		id, secret := f.Getenv("AWS_ACCESS_KEY_ID"), f.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			return "", "", errors.New("--env needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set")
		}
		return id, vault.Secret(secret), nil
	}
	if f.IO.stdinIsTerminal() {
		if tty, err := f.IO.openTTY(); err == nil {
			defer tty.Close()
			fmt.Fprint(tty, "Access key ID: ")
			id, err := readLine(tty)
			if err != nil {
				return "", "", fmt.Errorf("reading the access key ID: %w", err)
			}
			fmt.Fprint(tty, "Secret access key: ")
			secret, err := readHidden(tty)
			fmt.Fprintln(tty)
			if err != nil {
				return "", "", fmt.Errorf("reading the secret access key: %w", err)
			}
			return id, vault.Secret(secret), nil
		}
	}
	id, err := readLine(f.IO.In)
	if errors.Is(err, errLineTooLong) {
		return "", "", fmt.Errorf("reading the access key ID from standard input: %w", err)
	}
	if err != nil {
		return "", "", errors.New("no key given: pipe two lines (key id, secret) to standard input, use --env, or run on a terminal")
	}
	secret, err := readLine(f.IO.In)
	if errors.Is(err, errLineTooLong) {
		return "", "", fmt.Errorf("reading the secret access key from standard input: %w", err)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", "", errors.New("standard input has the key id but no secret on the second line")
	}
	return id, vault.Secret(secret), nil
}

// isAccessKeyID: 16 to 128 capital letters and digits, IAM's shape. (A
// loop, not a regexp: {16,128} compiles to a large program at every start.)
func isAccessKeyID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkKeyPair rejects what cannot be a long-term IAM key before AWS is asked.
func checkKeyPair(keyID string, secret vault.Secret) error {
	if err := checkKeyID(keyID); err != nil {
		return err
	}
	return checkSecret(secret)
}

// checkKeyID rejects what cannot be a long-term access key ID.
func checkKeyID(keyID string) error {
	switch {
	case keyID != strings.TrimSpace(keyID) || strings.ContainsAny(keyID, " \t"):
		return errors.New("the access key ID has spaces in it; paste it again without them")
	case !isAccessKeyID(keyID):
		return fmt.Errorf("%q is not an access key ID (they look like AKIA followed by 16 capital letters and digits)", keyID)
	case strings.HasPrefix(keyID, "ASIA"):
		return errors.New("that is a temporary key (ASIA...), which expires and needs a session token; store a long-term key (AKIA...)")
	}
	return nil
}

// checkSecret rejects what cannot be a secret access key.
func checkSecret(secret vault.Secret) error {
	s := secret.Reveal()
	switch {
	case s == "":
		return errors.New("the secret access key is empty")
	case strings.ContainsAny(s, " \t\r\n"):
		return errors.New("the secret access key has spaces in it; paste it again without them")
	case len(s) < 16:
		return errors.New("the secret access key is too short to be one (they are 40 characters)")
	}
	return nil
}
