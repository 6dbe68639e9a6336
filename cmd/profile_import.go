package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type profileImportOptions struct {
	f        *factory
	Profiles []string
	From     string // "" (~/.aws/credentials) or "aws-vault"
	Remove   bool   // with --from aws-vault: delete aws-vault's copy once imported

	// verify, keyCreated and openAWSVault reach AWS and aws-vault's
	// keyring; tests replace them.
	verify       func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error)
	keyCreated   func(context.Context, sts.ClientConfig, sts.StaticKey, string) (time.Time, error)
	openAWSVault func(vault.AWSVaultConfig) (*vault.AWSVaultStore, error)
}

// plainTextKeys are the lines import takes out of the files.
var plainTextKeys = []string{"aws_access_key_id", "aws_secret_access_key"}

func newProfileImportCmd(f *factory, runF func(context.Context, *profileImportOptions) error) *cobra.Command {
	opts := &profileImportOptions{f: f, verify: sts.GetCallerIdentity, keyCreated: sts.KeyCreated, openAWSVault: vault.OpenAWSVault}
	c := &cobra.Command{
		Use:   "import [PROFILE...] [--from aws-vault [--remove]]",
		Short: "Move keys into the keyring from ~/.aws/credentials or from aws-vault",
		Long: `Move the plain-text access keys of the named profiles (default: every profile that has
one) from ~/.aws/credentials into the keyring. Each key is stored, read back and compared
before its lines are removed from the file; the rest of the file stays as it was. An
import stopped half-way loses nothing: a key leaves the file only after its keyring copy
is verified.

Profiles holding temporary credentials (aws_session_token) are left alone: those expire.
A profile whose key cannot be imported (half a key pair, a key ID or secret that cannot be
one, an unknown name) is skipped, with its file and line, and the others are imported; the
import ends with "Imported N, skipped M." and exits 1 when any profile was skipped.

With --from aws-vault, the keys come from aws-vault's keyring on this machine instead
(default: every key it holds): the backend named by AWS_VAULT_BACKEND, else the one
aws-vault picks on its own (Secret Service collection "awsvault" with a desktop session,
else the kernel keyring on Linux; the "aws-vault" keychain on macOS; Windows credentials),
with aws-vault's variables (AWS_VAULT_FILE_DIR, default ~/.awsvault/keys, and
AWS_VAULT_FILE_PASSPHRASE or a prompt for the file backend; AWS_VAULT_PASS_*,
AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME, AWS_VAULT_KEYCHAIN_NAME). Each key is checked
with STS GetCallerIdentity, stored with its account, ARN and (when IAM tells) creation
date, and read back. aws-vault's copy stays unless --remove is given. aws-vault's cached
sessions are never imported.`,
		Example: `  awskeep profile import
  awskeep profile import work personal
  AWS_VAULT_BACKEND=file awskeep profile import --from aws-vault
  awskeep profile import --from aws-vault prod --remove`,
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Profiles = args
			switch opts.From {
			case "", "aws-vault":
			default:
				return usageErrorf(c, "--from takes aws-vault (or nothing, for ~/.aws/credentials), not %q", opts.From)
			}
			if opts.Remove && opts.From == "" {
				return usageErrorf(c, "--remove goes with --from aws-vault (keys imported from ~/.aws/credentials always leave the file)")
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runProfileImport(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.From, "from", "", "Where the keys are: aws-vault (its keyring on this machine); default ~/.aws/credentials")
	c.Flags().BoolVar(&opts.Remove, "remove", false, "With --from aws-vault: delete aws-vault's copy of each key once awskeep holds it")
	return c
}

func runProfileImport(ctx context.Context, opts *profileImportOptions) error {
	if opts.From == "aws-vault" {
		return importFromAWSVault(ctx, opts)
	}
	f := opts.f
	set, err := f.Profiles()
	if err != nil {
		return err
	}
	credsFile := set.Paths().Credentials
	names := opts.Profiles
	if len(names) == 0 {
		// Every profile with a key line, complete or not: a profile with
		// half a key pair is reported, not passed over in silence.
		for _, n := range set.Names() {
			if p, err := set.Profile(n); err == nil && hasKeyLine(p) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			fmt.Fprintf(f.IO.ErrOut, "No plain-text keys in %s: nothing to import.\n", printable(credsFile))
			return nil
		}
	}
	report := &importReport{w: f.IO.ErrOut, from: credsFile}
	type candidate struct {
		name string
		key  vault.Key
		file string
	}
	var todo []candidate
	for _, n := range names {
		p, err := set.Profile(n)
		if err != nil {
			report.skip(n, "", err)
			continue
		}
		id, okID := p.Get("aws_access_key_id")
		secret, okSecret := p.Get("aws_secret_access_key")
		switch {
		case !okID && !okSecret:
			report.skip(n, "", fmt.Errorf("it has no plain-text key (aws_access_key_id) in %s or %s to import", credsFile, set.Paths().Config))
			continue
		case !okSecret:
			report.skip(n, fileLine(id), errors.New("aws_access_key_id has no aws_secret_access_key beside it; add the secret or remove the key line"))
			continue
		case !okID:
			report.skip(n, fileLine(secret), errors.New("aws_secret_access_key has no aws_access_key_id beside it; add the key ID or remove the secret line"))
			continue
		}
		if _, ok := p.Get("aws_session_token"); ok {
			report.nothingToDo(n, "it holds temporary credentials (aws_session_token), which expire; it stays in "+id.File)
			continue
		}
		if err := checkKeyID(id.Text); err != nil {
			report.skip(n, fileLine(id), err)
			continue
		}
		if err := checkSecret(vault.Secret(secret.Text)); err != nil {
			report.skip(n, fileLine(secret), err)
			continue
		}
		now := f.Now().UTC()
		todo = append(todo, candidate{name: n, file: id.File, key: vault.Key{
			Profile: n, AccessKeyID: id.Text, SecretAccessKey: vault.Secret(secret.Text), CreatedAt: now, AddedAt: now,
		}})
	}
	if len(todo) > 0 {
		store, err := f.Vault()
		if err != nil {
			return err
		}
		for _, c := range todo {
			// A keyring or file that fails once fails for every profile:
			// stop there, with the profiles before it done.
			if err := importOne(store, set, c.name, c.key, c.file); err != nil {
				return fmt.Errorf("importing %s (%d of %d imported before it): %w", c.name, report.imported, len(todo), err)
			}
			report.imported++
			fmt.Fprintf(f.IO.ErrOut, "Imported %s: key %s is in the %s keyring and no longer in %s.\n", printable(c.name), sts.MaskKeyID(c.key.AccessKeyID), store.Backend(), printable(c.file))
		}
		f.ReloadProfiles()
	}
	if report.imported > 0 {
		first := printable(todo[0].name)
		fmt.Fprintf(f.IO.ErrOut, "\nTools that read ~/.aws/credentials can get these keys from awskeep instead. Either run them\n"+
			"under 'awskeep exec %s -- COMMAND', or add to each profile in %s (with its own name):\n"+
			"  credential_process = awskeep credential-process %s\n", first, printable(set.Paths().Config), first)
	}
	return report.finish()
}

// hasKeyLine reports whether the files give the profile either line of a
// plain-text key pair.
func hasKeyLine(p *profiles.Profile) bool {
	_, id := p.Get("aws_access_key_id")
	_, secret := p.Get("aws_secret_access_key")
	return id || secret
}

// fileLine is where a value is, as FILE:LINE.
func fileLine(v profiles.Value) string { return fmt.Sprintf("%s:%d", v.File, v.Line) }

// importOne stores one key, proves the stored copy reads back identical, and
// only then takes the key's lines out of the file it came from.
func importOne(store *vault.Store, set *profiles.Set, name string, key vault.Key, file string) error {
	if err := store.PutKey(key); err != nil {
		return err
	}
	back, err := store.Key(name)
	if err != nil {
		return fmt.Errorf("reading the stored copy back: %w", err)
	}
	if back.AccessKeyID != key.AccessKeyID || back.SecretAccessKey.Reveal() != key.SecretAccessKey.Reveal() {
		return errors.New("the keyring returned a different key than was stored; the file was left as it is")
	}
	if file == set.Paths().Config {
		// The CLI also reads keys from [profile NAME] in the config file.
		return profiles.EditFile(file, func(d *profiles.Document) error {
			for _, sec := range d.ProfileSections(name) {
				for _, k := range plainTextKeys {
					d.Unset(sec, k)
				}
			}
			return nil
		})
	}
	if err := profiles.EditFile(file, func(d *profiles.Document) error {
		for _, k := range plainTextKeys {
			d.Unset(name, k)
		}
		return nil
	}); err != nil {
		return err
	}
	// Keep the profile known to the AWS CLI once its credentials are gone.
	return profiles.EditFile(set.Paths().Config, func(d *profiles.Document) error {
		d.AddSection(d.ProfileSection(name))
		return nil
	})
}
