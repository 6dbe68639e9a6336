package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// rotationDue says whether key is older than its rotation age (profiles
// owns the rule: rotate_after, AWSKEEP_ROTATE_AFTER, 90 days).
func rotationDue(f *factory, key vault.KeyInfo, chain *profiles.Chain) (age time.Duration, due bool) {
	limit, err := profiles.RotateAfter(f.Getenv, chain)
	if err != nil {
		f.Log.Debug("ignoring "+profiles.RotateAfterEnv, "err", err)
	}
	return profiles.RotationDue(key.CreatedAt, f.Now(), limit)
}

func reminderLine(key vault.KeyInfo, age time.Duration) string {
	return printable(fmt.Sprintf("awskeep: reminder: the key of profile %s is %s old; rotate it with 'awskeep rotate %s'", key.Profile, humanAge(age), key.Profile))
}

// remindRotation prints a one-line reminder on stderr (exec, export).
func remindRotation(f *factory, key *vault.KeyInfo, chain *profiles.Chain) {
	if key == nil {
		return
	}
	if age, due := rotationDue(f, *key, chain); due {
		fmt.Fprintln(f.IO.ErrOut, reminderLine(*key, age))
	}
}

// remindRotationOnTTY is the credential-process variant: its stdout belongs
// to the calling tool and its stderr may be shown on every call, so the
// reminder goes to the terminal, if there is one, at most once a day per profile.
func remindRotationOnTTY(f *factory, key *vault.KeyInfo, chain *profiles.Chain) {
	if key == nil {
		return
	}
	age, due := rotationDue(f, *key, chain)
	if !due {
		return
	}
	home, err := f.HomeDir()
	if err != nil {
		return
	}
	stamp := filepath.Join(home, ".awskeep", "reminded", key.Profile)
	if st, err := os.Stat(stamp); err == nil && f.Now().Sub(st.ModTime()) < 24*time.Hour {
		return
	}
	tty, err := f.IO.openTTY()
	if err != nil {
		return
	}
	defer tty.Close()
	fmt.Fprintln(tty, reminderLine(*key, age))
	if err := os.MkdirAll(filepath.Dir(stamp), 0o700); err == nil {
		if err := os.WriteFile(stamp, nil, 0o600); err == nil {
			now := f.Now()
			os.Chtimes(stamp, now, now)
		}
	}
}

// humanAge renders an age in days, or hours/minutes/seconds when shorter.
func humanAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	default:
		n := int(d.Seconds())
		return fmt.Sprintf("%d second%s", n, plural(n))
	}
}

// humanLeft is a time left as people write it: "11 h 59 min", "5 min",
// "40 s".
func humanLeft(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
	case d > 0:
		return fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	default:
		return "0 s"
	}
}
