package profiles

import (
	"path/filepath"
	"strings"
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
			return expandHome(v, home)
		}
		return filepath.Join(home, ".aws", base)
	}
	return Paths{
		Config:      pick("AWS_CONFIG_FILE", "config"),
		Credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
	}
}

// expandHome replaces a leading "~" or "~/" (or "~\" on Windows) with home.
// "~user" forms are left as they are, as Go has no portable lookup for them.
func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") || (filepath.Separator == '\\' && strings.HasPrefix(p, `~\`)) {
		return filepath.Join(home, p[2:])
	}
	return p
}
