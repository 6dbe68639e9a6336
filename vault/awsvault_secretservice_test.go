//go:build linux

package vault

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/99designs/keyring"
	"github.com/godbus/dbus"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

// TestReadAWSVaultSecretService: items written as aws-vault writes them
// through 99designs/keyring and go-libsecret (label = profile, attribute
// profile=<name>, secret = the JSON of keyring.Item around the credentials
// JSON) are listed and read; awskeep's own items in the same collection
// are not aws-vault's.
func TestReadAWSVaultSecretService(t *testing.T) {
	env := keyringtest.SecretService(t)
	getenv := envFrom(append(env, "AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME=login")...)
	ss, err := dialSecretService(Config{Getenv: getenv, SecretServiceCollection: "login"})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.close()
	write := func(profile, id, secret string) {
		creds, _ := json.Marshal(map[string]any{"AccessKeyID": id, "SecretAccessKey": secret, "SessionToken": "", "Source": "", "CanExpire": false})
		item, _ := json.Marshal(keyring.Item{Key: profile, Label: "aws-vault (" + profile + ")", Data: creds})
		props := map[string]dbus.Variant{
			itemIface + ".Label":      dbus.MakeVariant(profile),
			itemIface + ".Attributes": dbus.MakeVariant(map[string]string{"profile": profile}),
		}
		var created, prompt dbus.ObjectPath
		if err := ss.call(ss.conn.Object(secretsName, ss.collection), collectionIface+".CreateItem", props,
			secretValue{Session: ss.session, Parameters: []byte{}, Value: item, ContentType: "application/json"}, true).Store(&created, &prompt); err != nil {
			t.Fatal(err)
		}
	}
	write("prod", "AKIAPRODEXAMPLE00001", "prod-secret")
	write("dev", "AKIADEVEXAMPLE000001", "dev-secret")
	if err := ss.Set(keyring.Item{Key: "key:mine", Data: []byte("{}")}); err != nil { // awskeep's own
		t.Fatal(err)
	}

	cfg := AWSVaultConfigFromEnv(getenv, t.TempDir())
	cfg.Backend = BackendSecretService
	s, err := OpenAWSVault(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names, err := s.Profiles()
	if err != nil || !slices.Equal(names, []string{"dev", "prod"}) {
		t.Fatalf("Profiles = %v, %v", names, err)
	}
	k, err := s.Key("prod")
	if err != nil || k.AccessKeyID != "AKIAPRODEXAMPLE00001" || k.SecretAccessKey.Reveal() != "prod-secret" {
		t.Fatalf("Key = %+v, %v", k, err)
	}
	if err := s.Remove("dev"); err != nil {
		t.Fatal(err)
	}
	if names, _ := s.Profiles(); !slices.Equal(names, []string{"prod"}) {
		t.Errorf("after Remove: %v", names)
	}
}
