package cmd

import (
	"errors"
	"fmt"

	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// explainLocalError covers what goes wrong on this machine: the keyring and
// awskeep's own checks.
func explainLocalError(err error) (explanation, bool) {
	var noKey *sts.NoStoredKeyError
	var plain *sts.PlainTextKeyError
	var mfa *mfaCodeError
	var pass *vault.WrongPassphraseError
	var backend *vault.BackendError
	var locked *vault.LockedError
	var collection *vault.CollectionNotFoundError
	var source *sts.CredentialProcessError
	var loop *sts.CredentialProcessLoopError
	var avPass *vault.AWSVaultPassphraseError
	var avBackend *vault.AWSVaultBackendError
	var avMissing *vault.AWSVaultNotFoundError
	switch {
	case errors.As(err, &loop):
		return explanation{message: loop.Error(), code: exitFailure, hints: []string{
			"A profile whose credential_process runs awskeep is how other tools reach awskeep; it cannot be awskeep's own source.",
			fmt.Sprintf("Ask awskeep for the profile that credential_process names, or store a key for %s: awskeep add %s", loop.Profile, loop.Profile),
		}}, true
	case errors.As(err, &avPass):
		return explanation{message: avPass.Error(), code: exitFailure, hints: []string{
			"This is aws-vault's passphrase (the one 'aws-vault exec' asks for), not awskeep's. It comes from",
			"  AWS_VAULT_FILE_PASSPHRASE or the prompt; nothing was imported. (aws-vault keeps no marker, so an",
			"  item damaged on disk looks the same: check it with 'aws-vault list'.)",
		}}, true
	case errors.As(err, &avBackend):
		return explanation{message: avBackend.Error(), code: exitFailure, hints: []string{
			"awskeep reads aws-vault's keyring where aws-vault would: AWS_VAULT_BACKEND picks the backend",
			"  (file, secret-service, pass, keychain, wincred, keyctl), as it does for aws-vault.",
		}}, true
	case errors.As(err, &avMissing):
		return explanation{message: avMissing.Error(), code: exitFailure, hints: []string{
			"'awskeep profile import --from aws-vault' without names imports every key aws-vault holds.",
		}}, true
	case errors.As(err, &source):
		return explanation{message: source.Error(), code: exitFailure, hints: []string{
			"awskeep runs a profile's credential_process (of another tool) when no key is stored for it;",
			fmt.Sprintf("  fix that tool, or store a key instead: awskeep add %s", source.Profile),
		}}, true
	case errors.As(err, &noKey):
		return explanation{message: noKey.Error(), code: exitFailure, hints: []string{
			fmt.Sprintf("Store one with 'awskeep add %s', or move a plain-text one in with 'awskeep profile import %s'.", noKey.Owner, noKey.Owner),
			"'awskeep list' shows what is stored; AWSKEEP_BACKEND or --backend picks another keyring.",
		}}, true
	case errors.As(err, &plain):
		hints := []string{fmt.Sprintf("Move it into the keyring: awskeep profile import %s", plain.Owner)}
		if plain.Profile != "" && plain.Profile != plain.Owner {
			hints = append(hints, fmt.Sprintf("(Profile %s gets its credentials from %s, which holds a key of its own.)", plain.Profile, plain.Owner))
		}
		return explanation{message: plain.Error(), code: exitFailure, hints: hints}, true
	case errors.As(err, &mfa):
		return explanation{message: mfa.Error(), code: exitFailure, hints: []string{
			"Give the code with --mfa-token CODE, or set mfa_process in the profile to a command that prints one",
			fmt.Sprintf("  (e.g. awskeep profile set %s 'mfa_process=ykman oath accounts code --single NAME').", mfa.profile),
		}}, true
	case errors.As(err, &pass):
		return explanation{message: pass.Error(), code: exitFailure, hints: []string{
			"The passphrase comes from AWSKEEP_FILE_PASSPHRASE or the terminal prompt; it must be the one the keyring was created with.",
		}}, true
	case errors.As(err, &collection):
		return explanation{message: collection.Error(), code: exitFailure, hints: []string{
			"Pick an existing collection with AWSKEEP_SECRET_SERVICE_COLLECTION, or create it in your keyring manager (Seahorse: File > New > Password Keyring).",
		}}, true
	case errors.As(err, &locked):
		return explanation{message: locked.Error(), code: exitFailure, hints: []string{
			"Unlock it in your desktop's keyring manager (or log in to the desktop) and try again.",
		}}, true
	case errors.As(err, &backend):
		return explanation{message: backend.Error(), code: exitFailure, hints: []string{
			"Choose a backend that works here with --backend or AWSKEEP_BACKEND (e.g. file on a headless machine); see docs/backends.md.",
		}}, true
	}
	return explanation{}, false
}
