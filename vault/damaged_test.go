package vault

import (
	"errors"
	"testing"

	"github.com/99designs/keyring"
)

// An item that opens but does not decode is a *DamagedItemError that says
// whose it is, like one that no longer decrypts, and it can be removed.
func TestUndecodableItemsAreDamaged(t *testing.T) {
	store := openStore(t, fileConfig(t, t.TempDir(), fixedPassphrase(testPassphrase)))
	for _, name := range []string{keyItemName("dev"), rotationItemName("dev")} {
		if err := store.ring.Set(keyring.Item{Key: name, Data: []byte("{not json")}); err != nil {
			t.Fatal(err)
		}
	}
	var d *DamagedItemError
	if _, err := store.Key("dev"); !errors.As(err, &d) || d.Kind != "key" || d.Profile != "dev" || d.Name != keyItemName("dev") {
		t.Errorf("Key(dev) = %v (%+v), want a damaged key of dev", err, d)
	}
	if _, err := store.RotationJournal("dev"); !errors.As(err, &d) || d.Kind != "rotation journal" || d.Profile != "dev" {
		t.Errorf("RotationJournal(dev) = %v, want a damaged journal of dev", err)
	}
	if err := store.DeleteKey("dev"); err != nil {
		t.Errorf("DeleteKey(dev) = %v", err)
	}
	var nf *NotFoundError
	if _, err := store.Key("dev"); !errors.As(err, &nf) {
		t.Errorf("Key(dev) after DeleteKey = %v", err)
	}
}
