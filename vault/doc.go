// Package vault owns awskeep's keyring: long-term access keys with their
// metadata, cached STS sessions, the choice of keyring backend, and the
// cross-process locks that keep parallel awskeep runs from trampling each
// other.
//
// It stores and returns values; it must not know about STS or IAM (the sts
// package decides what a session is and when it is stale), and it never
// prints. It wraps github.com/99designs/keyring so a backend change stays in
// this package.
//
// Nothing here touches a keyring or D-Bus until Open is called: see
// internal/dbusguard for how keyring's D-Bus work at package init is kept
// away.
package vault

import "github.com/awskeep/awskeep/vault/internal/dbusguard"

// vault imports keyring, so this runs after keyring's init, which found the
// session bus disabled by dbusguard. From here on the real address is back
// for our own Secret Service backend, opened at use time.
func init() { dbusguard.Restore() }
