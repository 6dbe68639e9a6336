//go:build linux

package vault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"github.com/99designs/keyring"
	"github.com/godbus/dbus"
)

// secretService is our Secret Service (gnome-keyring, KeePassXC, KWallet
// 5.97+) backend, opened at use time on a private connection.
//
// It speaks D-Bus through godbus directly rather than keyring's backend or
// go-libsecret: keyring's registers only if D-Bus answered at package init;
// go-libsecret's NewService uses the shared connection that runs dbus-launch
// when no bus is known, its CreateItem tags items with a fixed "profile"
// attribute, and its Prompt never subscribes to the Completed signal nor
// reads the dismissed flag.
//
// Items carry the attributes service=awskeep and key=<item name>; the
// secret is the item's JSON record, sent over a "plain" session like most
// Secret Service clients do (the bus is private to the user).
type secretService struct {
	conn           *dbus.Conn
	service        dbus.BusObject
	collectionName string
	collection     dbus.ObjectPath
	session        dbus.ObjectPath

	mu       sync.Mutex
	unlocked bool
}

const (
	secretsName        = "org.freedesktop.secrets"
	secretsPath        = dbus.ObjectPath("/org/freedesktop/secrets")
	secretsIface       = "org.freedesktop.Secret.Service"
	collectionIface    = "org.freedesktop.Secret.Collection"
	itemIface          = "org.freedesktop.Secret.Item"
	promptIface        = "org.freedesktop.Secret.Prompt"
	attrService        = "service"
	attrKey            = "key"
	attrServiceValue   = "awskeep"
	noPrompt           = dbus.ObjectPath("/")
	secretServiceProbe = 5 * time.Second
	dbusCallTimeout    = 20 * time.Second
)

// unlockPromptTimeout leaves a person time to type the keyring password.
var unlockPromptTimeout = 2 * time.Minute

// sessionBusAddress finds the session bus the way a desktop session
// advertises it, and never by launching one (dbus-launch on a headless box
// would start a stray daemon or wait for X11).
func sessionBusAddress(getenv func(string) string) string {
	if addr := getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" && addr != "disabled:" {
		return addr
	}
	if rt := getenv("XDG_RUNTIME_DIR"); rt != "" {
		bus := filepath.Join(rt, "bus")
		if fi, err := os.Stat(bus); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return "unix:path=" + bus
		}
	}
	return ""
}

func openSecretService(cfg Config) (keyring.Keyring, func() error, error) {
	ss, err := dialSecretService(cfg)
	if err != nil {
		return nil, nil, err
	}
	return ss, ss.close, nil
}

func dialSecretService(cfg Config) (*secretService, error) {
	fail := func(err error, hint string) error {
		return &BackendError{Backend: BackendSecretService, Err: err, Hint: hint}
	}
	addr := sessionBusAddress(cfg.Getenv)
	if addr == "" {
		return nil, fail(ErrNoSessionBus, "use AWSKEEP_BACKEND=file (or pass) on a machine without a desktop session")
	}
	conn, err := dialSessionBus(addr)
	if err != nil {
		return nil, fail(fmt.Errorf("connecting to the session bus %s: %w", addr, err), "")
	}
	ss := &secretService{conn: conn, service: conn.Object(secretsName, secretsPath), collectionName: cfg.SecretServiceCollection}
	if err := ss.open(); err != nil {
		conn.Close()
		return nil, err
	}
	return ss, nil
}

// dialSessionBus connects with a time limit, so a bus that accepts and then
// says nothing cannot hang awskeep.
func dialSessionBus(addr string) (*dbus.Conn, error) {
	type result struct {
		conn *dbus.Conn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		conn, err := dbus.Dial(addr)
		if err == nil {
			if err = conn.Auth(nil); err == nil {
				err = conn.Hello()
			}
			if err != nil {
				conn.Close()
				conn = nil
			}
		}
		done <- result{conn, err}
	}()
	select {
	case r := <-done:
		return r.conn, r.err
	case <-time.After(secretServiceProbe):
		go func() {
			if r := <-done; r.conn != nil {
				r.conn.Close()
			}
		}()
		return nil, fmt.Errorf("no answer within %s", secretServiceProbe)
	}
}

func (ss *secretService) call(obj dbus.BusObject, method string, args ...any) *dbus.Call {
	ctx, cancel := context.WithTimeout(context.Background(), dbusCallTimeout)
	defer cancel()
	return obj.CallWithContext(ctx, method, 0, args...)
}

func (ss *secretService) property(obj dbus.BusObject, iface, name string) (dbus.Variant, error) {
	var v dbus.Variant
	err := ss.call(obj, "org.freedesktop.DBus.Properties.Get", iface, name).Store(&v)
	return v, err
}

func (ss *secretService) open() error {
	fail := func(err error, hint string) error {
		return &BackendError{Backend: BackendSecretService, Err: err, Hint: hint}
	}
	if !ss.serviceAvailable() {
		return fail(ErrNoSecretService, "start gnome-keyring-daemon (or KeePassXC with Secret Service enabled), or choose another backend")
	}
	var output dbus.Variant
	if err := ss.call(ss.service, secretsIface+".OpenSession", "plain", dbus.MakeVariant("")).Store(&output, &ss.session); err != nil {
		return fail(fmt.Errorf("opening a Secret Service session: %w", err), "")
	}
	collection, err := ss.findCollection()
	if err != nil {
		return fail(err, fmt.Sprintf("create a keyring named %q (for example with Seahorse, \"Passwords and Keys\"), or set AWSKEEP_SECRET_SERVICE_COLLECTION to an existing one", ss.collectionName))
	}
	ss.collection = collection
	return nil
}

// serviceAvailable reports whether org.freedesktop.secrets has an owner or
// can be started by the bus.
func (ss *secretService) serviceAvailable() bool {
	bus := ss.conn.BusObject()
	var owned bool
	if err := ss.call(bus, "org.freedesktop.DBus.NameHasOwner", secretsName).Store(&owned); err == nil && owned {
		return true
	}
	var activatable []string
	if err := ss.call(bus, "org.freedesktop.DBus.ListActivatableNames").Store(&activatable); err == nil {
		for _, n := range activatable {
			if n == secretsName {
				return true
			}
		}
	}
	return false
}

// findCollection resolves the configured name as an alias ("default",
// "login", "session"), then as the last element of a collection's path,
// then as its label.
func (ss *secretService) findCollection() (dbus.ObjectPath, error) {
	var aliased dbus.ObjectPath
	if err := ss.call(ss.service, secretsIface+".ReadAlias", ss.collectionName).Store(&aliased); err == nil && aliased != noPrompt && aliased != "" {
		return aliased, nil
	}
	v, err := ss.property(ss.service, secretsIface, "Collections")
	if err != nil {
		return "", fmt.Errorf("listing Secret Service collections: %w", err)
	}
	paths, _ := v.Value().([]dbus.ObjectPath)
	var available []string
	for _, p := range paths {
		base := path.Base(string(p))
		label := base
		if lv, err := ss.property(ss.conn.Object(secretsName, p), collectionIface, "Label"); err == nil {
			if l, ok := lv.Value().(string); ok && l != "" {
				label = l
			}
		}
		if base == ss.collectionName || label == ss.collectionName {
			return p, nil
		}
		available = append(available, base)
	}
	return "", &CollectionNotFoundError{Name: ss.collectionName, Available: available}
}

// ensureUnlocked unlocks the collection once, which may show the desktop's
// unlock prompt.
func (ss *secretService) ensureUnlocked() error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.unlocked {
		return nil
	}
	coll := ss.conn.Object(secretsName, ss.collection)
	v, err := ss.property(coll, collectionIface, "Locked")
	if err != nil {
		return fmt.Errorf("reading whether collection %q is locked: %w", ss.collectionName, err)
	}
	if locked, _ := v.Value().(bool); locked {
		var unlockedPaths []dbus.ObjectPath
		var prompt dbus.ObjectPath
		if err := ss.call(ss.service, secretsIface+".Unlock", []dbus.ObjectPath{ss.collection}).Store(&unlockedPaths, &prompt); err != nil {
			return &LockedError{Backend: BackendSecretService, Name: ss.collectionName, Err: err}
		}
		if prompt != noPrompt {
			if _, err := ss.prompt(prompt); err != nil {
				return &LockedError{Backend: BackendSecretService, Name: ss.collectionName, Err: err}
			}
		}
		v, err := ss.property(coll, collectionIface, "Locked")
		if locked, _ := v.Value().(bool); err != nil || locked {
			return &LockedError{Backend: BackendSecretService, Name: ss.collectionName, Err: err}
		}
	}
	ss.unlocked = true
	return nil
}

var errPromptDismissed = errors.New("the unlock prompt was dismissed")

// prompt runs a Secret Service prompt and waits for its Completed signal.
func (ss *secretService) prompt(p dbus.ObjectPath) (dbus.Variant, error) {
	rule := fmt.Sprintf("type='signal',interface='%s',member='Completed',path='%s'", promptIface, p)
	bus := ss.conn.BusObject()
	if err := ss.call(bus, "org.freedesktop.DBus.AddMatch", rule).Err; err != nil {
		return dbus.Variant{}, err
	}
	defer ss.call(bus, "org.freedesktop.DBus.RemoveMatch", rule)
	signals := make(chan *dbus.Signal, 8)
	ss.conn.Signal(signals)
	defer ss.conn.RemoveSignal(signals)

	obj := ss.conn.Object(secretsName, p)
	if err := ss.call(obj, promptIface+".Prompt", "").Err; err != nil {
		return dbus.Variant{}, err
	}
	timeout := time.NewTimer(unlockPromptTimeout)
	defer timeout.Stop()
	for {
		select {
		case sig := <-signals:
			if sig == nil || sig.Path != p || sig.Name != promptIface+".Completed" || len(sig.Body) < 2 {
				continue
			}
			if dismissed, _ := sig.Body[0].(bool); dismissed {
				return dbus.Variant{}, errPromptDismissed
			}
			result, _ := sig.Body[1].(dbus.Variant)
			return result, nil
		case <-timeout.C:
			ss.call(obj, promptIface+".Dismiss")
			return dbus.Variant{}, fmt.Errorf("no answer to the prompt within %s", unlockPromptTimeout)
		}
	}
}

func (ss *secretService) search(attrs map[string]string) ([]dbus.ObjectPath, error) {
	var paths []dbus.ObjectPath
	coll := ss.conn.Object(secretsName, ss.collection)
	if err := ss.call(coll, collectionIface+".SearchItems", attrs).Store(&paths); err != nil {
		return nil, fmt.Errorf("searching collection %q: %w", ss.collectionName, err)
	}
	return paths, nil
}

func itemAttributes(key string) map[string]string {
	return map[string]string{attrService: attrServiceValue, attrKey: key}
}

// secretValue is the Secret Service's (oayays) secret struct.
type secretValue struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

func (ss *secretService) Get(key string) (keyring.Item, error) {
	if err := ss.ensureUnlocked(); err != nil {
		return keyring.Item{}, err
	}
	paths, err := ss.search(itemAttributes(key))
	if err != nil {
		return keyring.Item{}, err
	}
	if len(paths) == 0 {
		return keyring.Item{}, keyring.ErrKeyNotFound
	}
	var secret secretValue
	if err := ss.call(ss.conn.Object(secretsName, paths[0]), itemIface+".GetSecret", ss.session).Store(&secret); err != nil {
		return keyring.Item{}, fmt.Errorf("reading item %q: %w", key, err)
	}
	return keyring.Item{Key: key, Data: secret.Value}, nil
}

func (ss *secretService) GetMetadata(string) (keyring.Metadata, error) {
	return keyring.Metadata{}, keyring.ErrMetadataNotSupported
}

func (ss *secretService) Set(item keyring.Item) error {
	if err := ss.ensureUnlocked(); err != nil {
		return err
	}
	label := item.Label
	if label == "" {
		label = item.Key
	}
	props := map[string]dbus.Variant{
		itemIface + ".Label":      dbus.MakeVariant(label),
		itemIface + ".Attributes": dbus.MakeVariant(itemAttributes(item.Key)),
	}
	secret := secretValue{Session: ss.session, Parameters: []byte{}, Value: item.Data, ContentType: "application/json"}
	var created, prompt dbus.ObjectPath
	coll := ss.conn.Object(secretsName, ss.collection)
	// replace=true: the service swaps an item with the same attributes in
	// one step, so readers see the old item or the new one.
	if err := ss.call(coll, collectionIface+".CreateItem", props, secret, true).Store(&created, &prompt); err != nil {
		return fmt.Errorf("storing item %q in collection %q: %w", item.Key, ss.collectionName, err)
	}
	if prompt != noPrompt {
		if _, err := ss.prompt(prompt); err != nil {
			return fmt.Errorf("storing item %q in collection %q: %w", item.Key, ss.collectionName, err)
		}
	}
	return nil
}

func (ss *secretService) Remove(key string) error {
	if err := ss.ensureUnlocked(); err != nil {
		return err
	}
	paths, err := ss.search(itemAttributes(key))
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return keyring.ErrKeyNotFound
	}
	for _, p := range paths {
		var prompt dbus.ObjectPath
		if err := ss.call(ss.conn.Object(secretsName, p), itemIface+".Delete").Store(&prompt); err != nil {
			return fmt.Errorf("deleting item %q: %w", key, err)
		}
		if prompt != noPrompt {
			if _, err := ss.prompt(prompt); err != nil {
				return fmt.Errorf("deleting item %q: %w", key, err)
			}
		}
	}
	return nil
}

func (ss *secretService) Keys() ([]string, error) {
	if err := ss.ensureUnlocked(); err != nil {
		return nil, err
	}
	paths, err := ss.search(map[string]string{attrService: attrServiceValue})
	if err != nil {
		return nil, err
	}
	// One attribute read per item: sent all at once and collected after,
	// rather than one round trip after another (listing 40 items took 60 ms).
	ctx, cancel := context.WithTimeout(context.Background(), dbusCallTimeout)
	defer cancel()
	calls := make([]*dbus.Call, len(paths))
	for i, p := range paths {
		calls[i] = ss.conn.Object(secretsName, p).GoWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, nil, itemIface, "Attributes")
	}
	names := []string{}
	for _, c := range calls {
		<-c.Done
		var v dbus.Variant
		if err := c.Store(&v); err != nil {
			continue // deleted meanwhile by another process
		}
		if attrs, ok := v.Value().(map[string]string); ok && attrs[attrKey] != "" {
			names = append(names, attrs[attrKey])
		}
	}
	return names, nil
}

func (ss *secretService) close() error { return ss.conn.Close() }
