package keyringtest

import (
	"encoding/json"
	"testing"

	"github.com/99designs/keyring"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// AWSVaultKey is one long-term key as aws-vault holds it.
type AWSVaultKey struct{ AccessKeyID, SecretAccessKey string }

// WriteAWSVaultFileStore writes keys into dir the way aws-vault v7 does with
// its file backend: through 99designs/keyring's file backend with the
// passphrase, one item per profile whose key is the profile name, whose
// label is "aws-vault (PROFILE)" and whose data is the JSON of the Go SDK's
// aws.Credentials. It adds a cached session and an Identity Center token
// item beside them, as aws-vault leaves them, which are not keys.
func WriteAWSVaultFileStore(t testing.TB, dir, passphrase string, keys map[string]AWSVaultKey) {
	t.Helper()
	ring, err := keyring.Open(keyring.Config{
		AllowedBackends:  []keyring.BackendType{keyring.FileBackend},
		FileDir:          dir,
		FilePasswordFunc: keyring.FixedStringPrompt(passphrase),
	})
	if err != nil {
		t.Fatalf("keyringtest: opening %s: %v", dir, err)
	}
	for profile, k := range keys {
		data, err := json.Marshal(aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey})
		if err != nil {
			t.Fatal(err)
		}
		if err := ring.Set(keyring.Item{Key: profile, Label: "aws-vault (" + profile + ")", Data: data, KeychainNotTrustApplication: true}); err != nil {
			t.Fatalf("keyringtest: writing %s: %v", profile, err)
		}
	}
	session, _ := json.Marshal(aws.Credentials{AccessKeyID: "ASIASESSIONEXAMPLE01", SecretAccessKey: "x", SessionToken: "y", CanExpire: true})
	for _, name := range []string{"sts.GetSessionToken,cHJvZA,,1767225600", "oidc:https://example.awsapps.com/start"} {
		if err := ring.Set(keyring.Item{Key: name, Label: "aws-vault session", Data: session}); err != nil {
			t.Fatal(err)
		}
	}
}
