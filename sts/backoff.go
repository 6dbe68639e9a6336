package sts

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Base delays before the first retry; each further retry doubles them.
// Throttling waits longer: retrying at once would only be throttled again.
const (
	retryBaseDelay    = 100 * time.Millisecond
	throttleBaseDelay = 500 * time.Millisecond
)

// jitterBackoff is exponential backoff with jitter, capped at max. The
// SDK's own uses a fixed 1 s base for throttling and cannot be scaled down
// for tests or short timeouts.
type jitterBackoff struct{ max time.Duration }

func (b jitterBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	base := retryBaseDelay
	if isThrottle(err) {
		base = throttleBaseDelay
	}
	d := base
	for i := 1; i < attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	// Between half and all of d, so parallel invocations spread out.
	return d/2 + rand.N(d/2+1), nil
}

func isThrottle(err error) bool {
	var code interface{ ErrorCode() string }
	if errors.As(err, &code) && throttleCodes[code.ErrorCode()] {
		return true
	}
	return httpStatus(err) == 429
}

// sleepCtx pauses for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
