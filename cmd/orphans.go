package cmd

import (
	"fmt"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// keyWithoutProfile is a key stored in the keyring for a profile that the
// AWS config files no longer have (deleted or renamed by hand, or by another
// tool): nothing uses it, and only awskeep can tell it is there.
type keyWithoutProfile struct {
	Profile string   `json:"profile"`
	Key     string   `json:"key"` // masked
	Message string   `json:"message"`
	Hints   []string `json:"hints"`
}

// keysWithoutProfile lists the stored keys whose profile is not in set.
func keysWithoutProfile(set *profiles.Set, stored []vault.KeyInfo) []keyWithoutProfile {
	out := []keyWithoutProfile{}
	for _, k := range stored {
		if set.Has(k.Profile) {
			continue
		}
		out = append(out, keyWithoutProfile{Profile: k.Profile, Key: sts.MaskKeyID(k.AccessKeyID),
			Message: fmt.Sprintf("a key (%s) is stored for profile %s, which is not in the AWS config files", sts.MaskKeyID(k.AccessKeyID), k.Profile),
			Hints:   keyWithoutProfileHints(k.Profile)})
	}
	return out
}

func keyWithoutProfileHints(name string) []string {
	return []string{
		fmt.Sprintf("Nothing can use it without its profile. Forget it: awskeep remove %s (the key stays valid in IAM; delete it there too),", name),
		fmt.Sprintf("  or re-create the profile to use it again: awskeep profile set %s region=us-east-1 (with the settings it had).", name),
	}
}
