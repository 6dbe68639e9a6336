package profiles

import (
	"fmt"
	"time"
)

// DefaultRotateAfter is the key age after which awskeep reminds to rotate
// (the CIS benchmark's 90 days).
const DefaultRotateAfter = 90 * 24 * time.Hour

// RotateAfterEnv is the variable that sets the rotation age for every profile.
const RotateAfterEnv = "AWSKEEP_ROTATE_AFTER"

// InvalidEnvError: an environment variable holds a value awskeep cannot use.
type InvalidEnvError struct {
	Name, Value, Msg string
}

func (e *InvalidEnvError) Error() string {
	return fmt.Sprintf("%s=%s is not %s", e.Name, e.Value, e.Msg)
}

// DefaultRotation is the rotation age of profiles without rotate_after:
// AWSKEEP_ROTATE_AFTER, else DefaultRotateAfter. A bad value gives
// DefaultRotateAfter and an *InvalidEnvError.
func DefaultRotation(getenv func(string) string) (time.Duration, error) {
	v := ""
	if getenv != nil {
		v = getenv(RotateAfterEnv)
	}
	if v == "" {
		return DefaultRotateAfter, nil
	}
	d, err := ParseAge(v)
	if err != nil {
		return DefaultRotateAfter, &InvalidEnvError{Name: RotateAfterEnv, Value: v, Msg: "an age such as 90d, 36h or 1s"}
	}
	return d, nil
}

// RotateAfter is the age at which the key of chain's source is due for
// rotation: the source profile's rotate_after, else the target's, else
// DefaultRotation. chain may be nil (a stored key whose profile does not
// resolve). The error is DefaultRotation's; the age is usable with it.
func RotateAfter(getenv func(string) string, chain *Chain) (time.Duration, error) {
	if chain != nil && len(chain.Hops) > 0 {
		if d := chain.Source().RotateAfter; d > 0 {
			return d, nil
		}
		if d := chain.Target().RotateAfter; d > 0 {
			return d, nil
		}
	}
	return DefaultRotation(getenv)
}

// RotationDue says how old a key created at created is at now, and whether
// that is past limit. A key of unknown age is never due.
func RotationDue(created, now time.Time, limit time.Duration) (age time.Duration, due bool) {
	age = now.Sub(created)
	return age, !created.IsZero() && age > limit
}
