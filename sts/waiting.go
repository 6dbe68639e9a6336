package sts

import (
	"context"

	"github.com/awskeep/awskeep/vault"
)

// WaitFunc is told when awskeep starts to wait on something that may take
// a while: a call to AWS, or another process holding a lock (through
// vault.Config.Waiting and the purposes set here). what says it in words
// for people ("asking AWS STS for a session for prod"); the returned func
// is called when the wait ends. cmd shows it on a terminal after a second;
// sts itself never prints. It must not block.
type WaitFunc func(what string) (done func())

// start begins a wait; a nil WaitFunc tells nobody.
func (w WaitFunc) start(what string) (done func()) {
	if w == nil {
		return func() {}
	}
	return w(what)
}

// lockFor is ctx telling a Lock taken with it what its holder does, for
// the message of those who wait on it (vault.WithLockPurpose).
func lockFor(ctx context.Context, purpose string) context.Context {
	return vault.WithLockPurpose(ctx, purpose)
}

// Words of the waits. The profile is the one the session is for.
func sessionPurpose(profile string) string { return "getting a session for " + profile }

func stsCallWords(kind stepKind, profile string) string {
	if kind == stepAssumeRole {
		return "asking AWS STS for a role session for " + profile
	}
	return "asking AWS STS for a session for " + profile
}
