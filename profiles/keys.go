package profiles

import (
	"strings"
)

// credentialKeys are the keys that hold credentials. The secret ones are
// never carried in Hop.Origins; none of them is ever set from a command line.
var credentialKeys = map[string]bool{
	"aws_access_key_id":     false,
	"aws_secret_access_key": true,
	"aws_session_token":     true,
	"aws_security_token":    true,
}

// IsSecretKey reports whether a profile key holds a secret
// (aws_secret_access_key, aws_session_token, aws_security_token). Keys are
// compared case-insensitively, as the files are read.
func IsSecretKey(key string) bool {
	return credentialKeys[normalKey(key)]
}

// IsCredentialKey reports whether a profile key holds credentials: the
// secret keys and aws_access_key_id. awskeep stores those in the keyring
// and never takes them as arguments (a command line is visible to every
// user of the machine).
func IsCredentialKey(key string) bool {
	_, ok := credentialKeys[normalKey(key)]
	return ok
}

func normalKey(key string) string { return strings.ToLower(strings.TrimSpace(key)) }

// RunsAwskeep reports whether a credential_process command runs awskeep
// itself (AwskeepProfile). Such a profile is a way for other tools to reach
// awskeep, never a source of credentials for awskeep (following it would
// call itself).
func RunsAwskeep(command string) bool {
	_, runs := AwskeepProfile(command)
	return runs
}
