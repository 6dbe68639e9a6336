//go:build linux

package vault

import (
	"encoding/json"
	"fmt"

	"github.com/99designs/keyring"
	"github.com/godbus/dbus"
)

func hasSessionBus(getenv func(string) string) bool { return sessionBusAddress(getenv) != "" }

// awsVaultSecretService reads the items aws-vault writes to the Secret
// Service through 99designs/keyring and go-libsecret: in its own collection
// (default "awsvault"), labelled with the profile name, tagged with the
// attribute profile=<name>, the secret being the JSON of keyring's Item.
type awsVaultSecretService struct{ ss *secretService }

func openAWSVaultSecretService(cfg AWSVaultConfig) (foreignRing, func() error, error) {
	ss, err := dialSecretService(Config{Getenv: cfg.Getenv, SecretServiceCollection: cfg.SecretServiceCollection})
	if err != nil {
		return nil, nil, err
	}
	return &awsVaultSecretService{ss: ss}, ss.close, nil
}

func (a *awsVaultSecretService) items(profile string) ([]dbus.ObjectPath, error) {
	if err := a.ss.ensureUnlocked(); err != nil {
		return nil, err
	}
	return a.ss.search(map[string]string{"profile": profile})
}

func (a *awsVaultSecretService) Keys() ([]string, error) {
	if err := a.ss.ensureUnlocked(); err != nil {
		return nil, err
	}
	v, err := a.ss.property(a.ss.conn.Object(secretsName, a.ss.collection), collectionIface, "Items")
	if err != nil {
		return nil, fmt.Errorf("listing collection %q: %w", a.ss.collectionName, err)
	}
	paths, _ := v.Value().([]dbus.ObjectPath)
	var names []string
	for _, p := range paths {
		v, err := a.ss.property(a.ss.conn.Object(secretsName, p), itemIface, "Attributes")
		if err != nil {
			continue
		}
		if attrs, ok := v.Value().(map[string]string); ok && attrs["profile"] != "" {
			names = append(names, attrs["profile"])
		}
	}
	return names, nil
}

func (a *awsVaultSecretService) Get(key string) (keyring.Item, error) {
	paths, err := a.items(key)
	if err != nil {
		return keyring.Item{}, err
	}
	if len(paths) == 0 {
		return keyring.Item{}, keyring.ErrKeyNotFound
	}
	var secret secretValue
	if err := a.ss.call(a.ss.conn.Object(secretsName, paths[0]), itemIface+".GetSecret", a.ss.session).Store(&secret); err != nil {
		return keyring.Item{}, fmt.Errorf("reading item %q: %w", key, err)
	}
	var item keyring.Item
	if err := json.Unmarshal(secret.Value, &item); err != nil {
		return keyring.Item{}, fmt.Errorf("item %q is not in aws-vault's format: %w", key, err)
	}
	return item, nil
}

func (a *awsVaultSecretService) Remove(key string) error {
	paths, err := a.items(key)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return keyring.ErrKeyNotFound
	}
	for _, p := range paths {
		var prompt dbus.ObjectPath
		if err := a.ss.call(a.ss.conn.Object(secretsName, p), itemIface+".Delete").Store(&prompt); err != nil {
			return fmt.Errorf("deleting item %q: %w", key, err)
		}
		if prompt != noPrompt {
			if _, err := a.ss.prompt(prompt); err != nil {
				return fmt.Errorf("deleting item %q: %w", key, err)
			}
		}
	}
	return nil
}
