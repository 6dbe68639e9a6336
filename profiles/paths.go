package profiles

import (
	"path/filepath"

	"github.com/awskeep/awskeep/internal/homepath"
)

// Paths names the two shared files.
type Paths struct {
	Config      string
	Credentials string
}

// PathsFromEnv finds the shared files the way the AWS CLI does:
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (a leading ~ means home),
// else home/.aws/config and home/.aws/credentials.
func PathsFromEnv(getenv func(string) string, home string) Paths {
	pick := func(env, base string) string {
		if v := getenv(env); v != "" {
			return homepath.Expand(v, home)
		}
		return filepath.Join(home, ".aws", base)
	}
	return Paths{
		Config:      pick("AWS_CONFIG_FILE", "config"),
		Credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
	}
}
