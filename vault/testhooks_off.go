//go:build !awskeep_testhooks

package vault

// newStoreKDF is the key derivation a new file store (and a passphrase
// change) uses: shippedKDF. Test builds (tag awskeep_testhooks) use a cheap
// one so the race-enabled test suite does not spend seconds per derivation;
// the parameters are recorded in each store's header, so reading is the
// same code either way.
var newStoreKDF = shippedKDF

// failpoint marks a point of a multi-step file operation. Test builds can
// pause or stop there to show that a crash at that point loses nothing; in
// the shipped binary it does nothing.
func failpoint(string) {}
