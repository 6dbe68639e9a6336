// Package dbusguard stops github.com/99designs/keyring from touching D-Bus
// while the program starts.
//
// keyring's secret-service and kwallet backends call dbus.SessionBus() in
// init(). That connects to the session bus, or, with no address set, runs
// dbus-launch, before main has even parsed its flags: `awskeep version` would
// talk to D-Bus and a headless box could hang or fail. This package's init
// runs before keyring's (Go initialises ready packages in import-path order,
// and github.com/awskeep/... sorts before github.com/godbus/..., which keyring
// needs first), saves DBUS_SESSION_BUS_ADDRESS and replaces it with an
// address whose transport does not exist, so keyring's init fails at once.
// vault's init calls Restore afterwards.
//
// It must import nothing but os: every import could pull keyring's
// dependencies in ahead of it.
package dbusguard

import "os"

const envName = "DBUS_SESSION_BUS_ADDRESS"

// disabledAddress names a transport godbus does not know, so dialling fails
// without a socket, a process or a network call.
const disabledAddress = "disabled:"

var (
	savedAddress string
	savedSet     bool
	armed        bool
)

func init() {
	savedAddress, savedSet = os.LookupEnv(envName)
	armed = os.Setenv(envName, disabledAddress) == nil
}

// Restore puts DBUS_SESSION_BUS_ADDRESS back as it was before init, or
// unsets it if it was unset. Calling it again does nothing.
func Restore() {
	if !armed {
		return
	}
	armed = false
	if os.Getenv(envName) != disabledAddress {
		return // someone set a real address since; keep theirs
	}
	if savedSet {
		os.Setenv(envName, savedAddress)
	} else {
		os.Unsetenv(envName)
	}
}

// Armed reports whether init replaced the address and Restore has not run yet.
func Armed() bool { return armed }
