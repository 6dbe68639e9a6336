package sts

import (
	"github.com/awskeep/awskeep/profiles"
)

// The plain-text source: aws_access_key_id and aws_secret_access_key in
// ~/.aws/credentials (or config). The chain ends there as in the SDKs, but
// awskeep does not sign with plain-text keys: the step says where the key
// is and how to move it into the keyring.

func init() {
	RegisterSourceStep(profiles.SourceStaticKey, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		src := chain.Source()
		v := src.Origins["aws_access_key_id"]
		return nil, &PlainTextKeyError{Profile: asked, Owner: src.Profile, File: v.File, Line: v.Line}
	})
}
