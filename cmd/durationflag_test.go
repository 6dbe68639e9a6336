package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestDurationFlags: every --duration (and unlock's --for) is read by one
// parser, that of rotate_after: "1d" and "1d12h" are accepted, and zero
// and negative lengths are a usage error in the same words, before any
// profile is looked at — so a key profile (GetSessionToken) and a role
// profile (AssumeRole) cannot treat them differently.
func TestDurationFlags(t *testing.T) {
	type cmdCase struct {
		name string
		flag string
		// build returns the command with a run function that records the
		// parsed length in *got.
		build func(f *factory, got *time.Duration) *cobra.Command
	}
	cmds := []cmdCase{
		{"exec", "--duration", func(f *factory, got *time.Duration) *cobra.Command {
			return newExecCmd(f, func(_ context.Context, o *execOptions) error { *got = o.Session.Duration; return nil })
		}},
		{"export", "--duration", func(f *factory, got *time.Duration) *cobra.Command {
			return newExportCmd(f, func(_ context.Context, o *exportOptions) error { *got = o.Session.Duration; return nil })
		}},
		{"credential-process", "--duration", func(f *factory, got *time.Duration) *cobra.Command {
			return newCredentialProcessCmd(f, func(_ context.Context, o *credentialProcessOptions) error { *got = o.Session.Duration; return nil })
		}},
		{"login", "--duration", func(f *factory, got *time.Duration) *cobra.Command {
			return newLoginCmd(f, func(_ context.Context, o *loginOptions) error { *got = o.Duration; return nil })
		}},
		{"unlock", "--for", func(f *factory, got *time.Duration) *cobra.Command {
			return newUnlockCmd(f, func(_ context.Context, o *unlockOptions) error { *got = o.For; return nil })
		}},
	}
	run := func(t *testing.T, c cmdCase, value string) (code int, got time.Duration, stderr string) {
		te := newTestEnv(t)
		root := newRootCmd(te.f)
		for _, sub := range root.Commands() {
			if sub.Name() == c.name {
				root.RemoveCommand(sub)
			}
		}
		root.AddCommand(c.build(te.f, &got))
		args := []string{c.name}
		if c.name != "unlock" {
			args = append(args, "prod")
		}
		args = append(args, c.flag+"="+value)
		if c.name == "exec" {
			args = append(args, "--", "true")
		}
		root.SetArgs(args)
		code = renderError(te.stderr, root.ExecuteContext(context.Background()))
		return code, got, te.stderr.String()
	}
	for _, c := range cmds {
		for value, want := range map[string]time.Duration{"1d": 24 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute} {
			if code, got, stderr := run(t, c, value); code != 0 || got != want {
				t.Errorf("%s %s=%s: exit %d, parsed %v, stderr %q; want %v", c.name, c.flag, value, code, got, stderr, want)
			}
		}
		var first string
		for _, value := range []string{"0", "0s", "-1h", "-1d"} {
			code, _, stderr := run(t, c, value)
			if code != exitUsage || !strings.Contains(stderr, "it must be longer than zero") {
				t.Errorf("%s %s=%s: exit %d, stderr %q; want a usage error saying it must be longer than zero", c.name, c.flag, value, code, stderr)
				continue
			}
			msg := strings.ReplaceAll(strings.SplitN(stderr, "\n", 2)[0], `"`+value+`"`, "V")
			if first == "" {
				first = msg
			} else if msg != first {
				t.Errorf("%s: %s=%s says %q, other values %q; want the same message", c.name, c.flag, value, msg, first)
			}
		}
	}
}
