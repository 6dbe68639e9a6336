package cmd

import (
	"errors"
	"fmt"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// explainLocalError covers what goes wrong on this machine: the keyring and
// awskeep's own checks.
func explainLocalError(err error, hc hintContext) (explanation, bool) {
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
		ask := "Ask awskeep for the profile that credential_process names"
		if target, _ := profiles.AwskeepProfile(loop.Command); target != "" && target != loop.Profile {
			ask = "Ask awskeep for the profile it names: " + hc.sameCommandFor(target)
		}
		return explanation{message: loop.Error(), code: exitFailure, hints: []string{
			"A profile whose credential_process runs awskeep is how other tools reach awskeep; it cannot be awskeep's own source.",
			fmt.Sprintf("%s; or store a key for %s: awskeep add %s", ask, loop.Profile, argQuote(loop.Profile)),
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
	case errors.As(err, &noKey) && noKey.AwskeepProcess != "":
		return explainAwskeepProcess(noKey, hc), true
	case errors.As(err, &noKey):
		other := "AWSKEEP_BACKEND picks another keyring."
		if hc.has("backend") {
			other = "AWSKEEP_BACKEND or --backend picks another keyring."
		}
		return explanation{message: noKey.Error(), code: exitFailure, hints: []string{
			fmt.Sprintf("Store one with 'awskeep add %s', or move a plain-text one in with 'awskeep profile import %s'.", argQuote(noKey.Owner), argQuote(noKey.Owner)),
			"'awskeep list' shows what is stored; " + other,
		}}, true
	case errors.As(err, &plain):
		hints := []string{fmt.Sprintf("Move it into the keyring: awskeep profile import %s", plain.Owner)}
		if plain.Profile != "" && plain.Profile != plain.Owner {
			hints = append(hints, fmt.Sprintf("(Profile %s gets its credentials from %s, which holds a key of its own.)", plain.Profile, plain.Owner))
		}
		return explanation{message: plain.Error(), code: exitFailure, hints: hints}, true
	case errors.As(err, &mfa):
		give := "Run it on a terminal to type the code"
		if hc.has("mfa-token") {
			give = "Give the code with --mfa-token (the 6 digits the device shows)"
		}
		return explanation{message: mfa.Error(), code: exitFailure, hints: []string{
			give + ", or set mfa_process in profile " + mfa.profile + " to a command that prints one",
			"  (awskeep profile set " + argQuote(mfa.profile) + " 'mfa_process=…'; docs/configuration.md shows it for a YubiKey and 1Password).",
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
		choose := "AWSKEEP_BACKEND"
		if hc.has("backend") {
			choose = "--backend or AWSKEEP_BACKEND"
		}
		return explanation{message: backend.Error(), code: exitFailure, hints: []string{
			"Choose a backend that works here with " + choose + " (e.g. file on a headless machine); see docs/backends.md.",
		}}, true
	}
	return explanation{}, false
}

// explainAwskeepProcess: the profile asked for (or the one its chain ends
// at) has a credential_process that runs awskeep, which awskeep does not
// follow; the profile that command asks for is the one to use.
func explainAwskeepProcess(e *sts.NoStoredKeyError, hc hintContext) explanation {
	target, _ := profiles.AwskeepProfile(e.AwskeepProcess)
	msg := fmt.Sprintf("profile %s is how other tools reach awskeep: its credential_process (%s) runs awskeep, which awskeep does not run again", e.Owner, e.AwskeepProcess)
	if e.Profile != "" && e.Profile != e.Owner {
		msg = fmt.Sprintf("profile %s gets its credentials from %s, which is how other tools reach awskeep: its credential_process (%s) runs awskeep, which awskeep does not run again", e.Profile, e.Owner, e.AwskeepProcess)
	}
	out := explanation{message: msg, code: exitFailure}
	switch {
	case target != "" && target != e.Owner && (e.Profile == "" || e.Profile == e.Owner):
		out.hints = []string{"Ask awskeep for the profile it serves: " + hc.sameCommandFor(target)}
	case target != "" && target != e.Owner:
		out.hints = []string{fmt.Sprintf("Build %s on the profile it serves: awskeep profile set %s source_profile=%s", e.Profile, argQuote(e.Profile), argQuote(target))}
	default:
		out.hints = []string{fmt.Sprintf("Ask awskeep for the profile that credential_process names, or store a key for %s: awskeep add %s", e.Owner, argQuote(e.Owner))}
	}
	return out
}
