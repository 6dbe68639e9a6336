package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// importFromAWSVault moves long-term keys from aws-vault's keyring on this
// machine into awskeep's: each key is checked with STS, stored with what STS
// and IAM say about it, read back, and — only with --remove — deleted from
// aws-vault's keyring afterwards.
func importFromAWSVault(ctx context.Context, opts *profileImportOptions) error {
	f := opts.f
	home, err := f.HomeDir()
	if err != nil {
		return fmt.Errorf("finding the home directory: %w", err)
	}
	cfg := vault.AWSVaultConfigFromEnv(f.Getenv, home)
	cfg.FilePassphrase = f.awsVaultPassphrase
	from, err := opts.openAWSVault(cfg)
	if err != nil {
		return err
	}
	defer from.Close()
	set, err := f.Profiles()
	if err != nil {
		return err
	}
	names := opts.Profiles
	if len(names) == 0 {
		all, err := from.Profiles()
		if err != nil {
			return err
		}
		for _, n := range all {
			// An unprefixed pass store holds everything else the user
			// keeps in pass: read only items named like a profile.
			if from.Backend() == vault.BackendPass && cfg.PassPrefix == "" && !set.Has(n) {
				continue
			}
			names = append(names, n)
		}
		if len(names) == 0 {
			fmt.Fprintf(f.IO.ErrOut, "aws-vault's %s keyring (%s) holds no keys: nothing to import.\n", from.Backend(), from.Where())
			return nil
		}
	}
	store, err := f.Vault()
	if err != nil {
		return err
	}
	report := &importReport{w: f.IO.ErrOut, from: "aws-vault's keyring", flags: " --from aws-vault"}
	var firstImported string // the example in the closing lines
	for _, name := range names {
		err := importOneFromAWSVault(ctx, opts, from, store, set, name)
		var nothing *importNothingToDo
		switch {
		case errors.As(err, &nothing):
			report.nothingToDo(name, nothing.reason)
		case err != nil:
			var passErr *vault.AWSVaultPassphraseError
			if errors.As(err, &passErr) {
				return err // every other item would fail the same way
			}
			report.skip(name, "", err)
		default:
			if report.imported == 0 {
				firstImported = printable(name)
			}
			report.imported++
		}
	}
	f.ReloadProfiles()
	if report.imported > 0 {
		fmt.Fprintf(f.IO.ErrOut, "\nUse them as before: 'awskeep exec %s CMD', or in the profile (each with its own name)\n"+
			"  credential_process = awskeep credential-process %s\n", firstImported, firstImported)
		if !opts.Remove {
			fmt.Fprintf(f.IO.ErrOut, "aws-vault's copies are still in its %s keyring; once awskeep works for you, run\n"+
				"'awskeep profile import --from aws-vault --remove' (or 'aws-vault remove %s' for each).\n", from.Backend(), firstImported)
		}
	}
	return report.finish()
}

// importNothingToDo: nothing to do for this profile, and nothing wrong.
type importNothingToDo struct{ reason string }

func (e *importNothingToDo) Error() string { return e.reason }

func importOneFromAWSVault(ctx context.Context, opts *profileImportOptions, from *vault.AWSVaultStore, store *vault.Store, set *profiles.Set, name string) error {
	f := opts.f
	if err := profiles.CheckProfileName(name); err != nil {
		return err
	}
	old, err := from.Key(name)
	if err != nil {
		return err
	}
	if !old.SessionToken.IsZero() {
		return &importNothingToDo{reason: "aws-vault holds temporary credentials under this name, which expire"}
	}
	if err := checkKeyPair(old.AccessKeyID, old.SecretAccessKey); err != nil {
		return err
	}
	if have, err := store.Key(name); err == nil {
		if have.AccessKeyID != old.AccessKeyID {
			return fmt.Errorf("awskeep already holds another key (%s) for it; 'awskeep remove %s' first to take aws-vault's (%s)",
				sts.MaskKeyID(have.AccessKeyID), name, sts.MaskKeyID(old.AccessKeyID))
		}
		if opts.Remove {
			if err := from.Remove(name); err != nil {
				return err
			}
			return &importNothingToDo{reason: "awskeep already holds this key; removed aws-vault's copy"}
		}
		return &importNothingToDo{reason: "awskeep already holds this key"}
	}
	now := f.Now().UTC()
	key := vault.Key{Profile: name, AccessKeyID: old.AccessKeyID, SecretAccessKey: old.SecretAccessKey, CreatedAt: now, AddedAt: now}
	var own profiles.Hop
	if p, err := set.Profile(name); err == nil {
		region, _ := p.Get("region")
		endpoint, _ := p.Get("endpoint_url")
		own = profiles.Hop{Profile: name, Region: region.Text, EndpointURL: endpoint.Text}
	}
	cfg := sts.ClientConfigFor(f.Getenv, profiles.ChainOf(own))
	static := sts.StaticKey{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	id, err := opts.verify(ctx, cfg, static)
	if err != nil {
		return &keyNotStoredError{profile: name, err: err}
	}
	key.Account, key.ARN, key.UserName = id.Account, id.ARN, id.UserName
	if created, err := opts.keyCreated(ctx, cfg, static, id.UserName); err == nil && !created.IsZero() {
		key.CreatedAt, key.CreatedFromIAM = created.UTC(), true
	}
	if err := store.PutKey(key); err != nil {
		return err
	}
	back, err := store.Key(name)
	if err != nil || back.AccessKeyID != key.AccessKeyID || back.SecretAccessKey.Reveal() != key.SecretAccessKey.Reveal() {
		return fmt.Errorf("the %s keyring did not return the key as stored (%v); aws-vault's copy was left alone", store.Backend(), err)
	}
	if !set.Has(name) {
		if err := profiles.EditFile(set.Paths().Config, func(d *profiles.Document) error {
			d.AddSection(profiles.ConfigSection(name))
			return nil
		}); err != nil {
			return fmt.Errorf("the key is stored, but adding [%s] to %s failed: %w", profiles.ConfigSection(name), set.Paths().Config, err)
		}
	}
	msg := fmt.Sprintf("Imported %s: key %s (%s) is in the %s keyring", name, sts.MaskKeyID(key.AccessKeyID), key.ARN, store.Backend())
	if id.IsRoot {
		msg += "; WARNING: it is the root user's key of account " + id.Account
	}
	if opts.Remove {
		if err := from.Remove(name); err != nil {
			return fmt.Errorf("imported, but removing aws-vault's copy failed: %w", err)
		}
		msg += "; aws-vault's copy is removed"
	}
	fmt.Fprintln(f.IO.ErrOut, printable(msg)+".")
	return nil
}

// awsVaultPassphrase is aws-vault's file-keyring passphrase: its own
// variable, else a hidden prompt on the terminal.
func (f *factory) awsVaultPassphrase(prompt string) (vault.Secret, error) {
	if p := f.Getenv("AWS_VAULT_FILE_PASSPHRASE"); p != "" {
		return vault.Secret(p), nil
	}
	tty, err := f.IO.openTTY()
	if err != nil {
		return "", errors.New("aws-vault's file keyring needs its passphrase and there is no terminal to ask for it; set AWS_VAULT_FILE_PASSPHRASE")
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	p, err := readHidden(tty)
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading the passphrase: %w", err)
	}
	return vault.Secret(p), nil
}
