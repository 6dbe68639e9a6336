package sts

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// 32 parallel callers (each with its own store, as separate processes
// would) whose AssumeRole is denied: one call, and every caller gets the
// denial (each used to wait for the lock and then make the call again).
func TestParallelCallersShareAFailure(t *testing.T) {
	t.Parallel()
	f := newSessionFake(t)
	f.deny = "AccessDenied"
	f.delay = 300 * time.Millisecond
	dir, lockDir := t.TempDir(), t.TempDir()
	chain := chainOf(profiles.Hop{Profile: "base"}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"})
	const n = 32
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range errs {
		r := &Resolver{Store: &keyedVault{Store: openSessionStore(t, dir, lockDir), key: fakeKey},
			Configure: func(c *ClientConfig) { *c = fastConfig(f.URL) }}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = r.Credentials(context.Background(), chain, Options{})
		}()
	}
	close(start)
	wg.Wait()
	shared := 0
	for i, err := range errs {
		var denied *AccessDeniedError
		if !errors.As(err, &denied) || denied.Operation != "sts:AssumeRole" {
			t.Fatalf("caller %d: err = %v, want the AssumeRole denial", i, err)
		}
		if errors.Is(err, ErrSharedFailure) {
			shared++
		}
	}
	if got := f.actions(); !slices.Equal(got, []string{"AssumeRole"}) {
		t.Errorf("requests = %d %v, want one AssumeRole", len(got), got)
	}
	if shared != n-1 {
		t.Errorf("%d callers got the shared failure, want %d", shared, n-1)
	}

	// A caller that comes after the failure makes its own call.
	r := &Resolver{Store: &keyedVault{Store: openSessionStore(t, dir, lockDir), key: fakeKey},
		Configure: func(c *ClientConfig) { *c = fastConfig(f.URL) }}
	if _, err := r.Credentials(context.Background(), chain, Options{}); errors.Is(err, ErrSharedFailure) || err == nil {
		t.Errorf("later caller: err = %v, want a denial of its own", err)
	}
	if got := len(f.actions()); got != 2 {
		t.Errorf("requests = %d, want 2 after the later caller", got)
	}
}
