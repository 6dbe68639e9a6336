package cmd

import (
	"errors"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// durationFlag is a flag holding a length of time (--duration, unlock's
// --for), read by profiles.ParseDuration: the grammar of rotate_after, so
// "1d" and "1d12h" work, and zero and negative lengths are refused while
// the flags are parsed, in the same words for every command, whether the
// profile ends in a stored key (GetSessionToken) or a role (AssumeRole).
// An absent flag leaves the value as it was (0: "not given").
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	d, err := profiles.ParseDuration(s)
	var se *profiles.DurationSyntaxError
	if errors.As(err, &se) {
		return errors.New(se.Why) // pflag names the flag and the value
	}
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func (f durationFlag) Type() string { return "duration" }
