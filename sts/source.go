package sts

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// A Source is the first step of every plan: the credentials a chain starts
// from, before any session or role. The plan asks Identify first; it asks
// Retrieve only when a step must be signed with the source's credentials or
// they are handed out themselves, so a warm cache never reads them.
type Source interface {
	// Kind is the profiles.SourceKind this source serves.
	Kind() profiles.SourceKind
	// Identify names the credentials as cheaply as the source can (a stored
	// key's id comes from item names, no secret read). A source that cannot
	// know which credentials it stands for without obtaining them (another
	// tool's credential_process) obtains them here.
	Identify(ctx context.Context) (SourceIdentity, error)
	// Retrieve returns the credentials. It is called at most once per
	// Resolver.Credentials call.
	Retrieve(ctx context.Context) (SourceCredentials, error)
}

// SourceIdentity is what the plan needs to know of a source's credentials
// without their secret.
type SourceIdentity struct {
	// CacheKey names the credentials in the cache ids of the sessions built
	// on them; it must change whenever the credentials do.
	CacheKey string
	// KeyID is the credentials' access key id, recorded with every session
	// built on them (vault.SessionInfo.SourceKeyID).
	KeyID string
	// LongTerm is true for a long-term IAM key: it may ask for a session
	// token, and AWS rejecting it (not a session) means the key itself is
	// bad, so the sessions made from it are dropped.
	LongTerm bool
	// Key is a stored key's facts (age, for rotation reminders); nil for
	// other sources.
	Key *vault.KeyInfo
	// AssumesSourceRole is true when the source's credentials are already
	// the role of the chain's first hop (web identity assumes it with
	// AssumeRoleWithWebIdentity), so the plan does not assume it again.
	AssumesSourceRole bool
}

// SourceCredentials are a source's credentials.
type SourceCredentials struct {
	StaticKey
	// Expiration is zero for credentials that do not expire.
	Expiration time.Time
	// UserName is the IAM user they belong to, when known: it names the
	// role sessions made with them (awskeep-<user>).
	UserName string
	// Key is the stored key itself, for stored-key sources.
	Key *vault.Key
}

// SourceEnv is what a source step may use to build its Source.
type SourceEnv struct {
	Store  Store
	Config ClientConfig // how to reach AWS, for sources that call it
	Getenv func(string) string
	// Stderr receives the messages of programs a source runs.
	Stderr io.Writer
	Now    func() time.Time
	Log    *slog.Logger
	// SSO builds the IAM Identity Center session of an SSO source (see
	// Resolver.SSO); nil when there is none.
	SSO func(s *profiles.SSO, profile string) (*SSOSession, error)
	// Waiting is told about waits on AWS (Resolver.Waiting); nil tells nobody.
	Waiting WaitFunc
}

// A SourceStep builds the Source of a chain whose SourceKind it is
// registered for (see RegisterSourceStep). It must not do I/O: that is for
// the Source's Identify and Retrieve.
type SourceStep func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error)

var (
	stepsMu     sync.RWMutex
	sourceSteps = map[profiles.SourceKind]SourceStep{}
)

// RegisterSourceStep makes step the source of every chain of kind. Each
// source registers itself from an init function in its own file
// (source_key.go, source_process.go, ...); registering a kind twice panics.
func RegisterSourceStep(kind profiles.SourceKind, step SourceStep) {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	if _, dup := sourceSteps[kind]; dup {
		panic("sts: source step registered twice for " + string(kind))
	}
	sourceSteps[kind] = step
}

func sourceStep(kind profiles.SourceKind) (SourceStep, bool) {
	stepsMu.RLock()
	defer stepsMu.RUnlock()
	s, ok := sourceSteps[kind]
	return s, ok
}

// onceSource memoises a Source's Identify and Retrieve for one Credentials
// call (the drop-and-retry runs the plan twice).
type onceSource struct {
	Source
	idOnce  sync.Once
	id      SourceIdentity
	idErr   error
	getOnce sync.Once
	creds   SourceCredentials
	getErr  error
	// read is true once Retrieve ran.
	read bool
}

func (o *onceSource) Identify(ctx context.Context) (SourceIdentity, error) {
	o.idOnce.Do(func() { o.id, o.idErr = o.Source.Identify(ctx) })
	return o.id, o.idErr
}

func (o *onceSource) Retrieve(ctx context.Context) (SourceCredentials, error) {
	o.getOnce.Do(func() {
		o.read = true
		o.creds, o.getErr = o.Source.Retrieve(ctx)
		if o.getErr == nil {
			o.getErr = o.creds.check()
		}
	})
	return o.creds, o.getErr
}
