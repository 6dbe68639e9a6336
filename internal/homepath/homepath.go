// Package homepath holds the one rule for a leading "~" in a path taken from
// the environment (AWS_CONFIG_FILE, AWSKEEP_FILE_DIR, AWS_VAULT_FILE_DIR, ...),
// so profiles and vault expand it alike without depending on each other.
package homepath

import (
	"path/filepath"
	"strings"
)

// Expand replaces a leading "~" or "~/" (or "~\" on Windows) with home, as
// the AWS CLI does for AWS_CONFIG_FILE. "~user" forms are left as they are,
// as Go has no portable lookup for them; so is every other path, and so is
// p when home is unknown ("").
func Expand(p, home string) string {
	if home == "" {
		return p
	}
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") || (filepath.Separator == '\\' && strings.HasPrefix(p, `~\`)) {
		return filepath.Join(home, p[2:])
	}
	return p
}
