package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/sts"
)

func TestIsAccessKeyID(t *testing.T) {
	cases := map[string]bool{
		"AKIAIOSFODNN7EXAMPLE":   true,
		"AKIA0123456789ABCDEF":   true,
		"AKIA012345678":          false, // too short
		"akiaiosfodnn7example":   false,
		"AKIAIOSFODNN7EXAMPLE ":  false,
		"AKIA-IOSFODNN7EXAMPLE":  false,
		"":                       false,
		string(make([]byte, 20)): false,
	}
	long := ""
	for len(long) < 129 {
		long += "A"
	}
	cases[long] = false
	cases[long[:128]] = true
	for in, want := range cases {
		if got := isAccessKeyID(in); got != want {
			t.Errorf("isAccessKeyID(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAddWarnsAboutRootKey(t *testing.T) {
	te := newTestEnv(t)
	te.stdin.WriteString("AKIAROOTROOTROOTROOT\n" + strings.Repeat("r", 40) + "\n")
	ran := false
	// AWS is faked: the account's root user answers.
	add := newAddCmd(te.f, func(ctx context.Context, o *addOptions) error {
		ran = true
		o.verify = func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error) {
			return sts.Identity{Account: "123456789012", ARN: "arn:aws:iam::123456789012:root", IsRoot: true}, nil
		}
		o.keyCreated = func(context.Context, sts.ClientConfig, sts.StaticKey, string) (time.Time, error) {
			return time.Time{}, errors.New("not for root")
		}
		return runAdd(ctx, o)
	})
	add.SetArgs([]string{"acct"})
	if err := add.Execute(); err != nil || !ran {
		t.Fatalf("add: %v (ran %v)", err, ran)
	}
	mustContain(t, "stderr", te.stderr.String(), "WARNING: this key belongs to the root user of account 123456789012", "Stored key AKIA…ROOT")
	if strings.Contains(te.stderr.String()+te.stdout.String(), strings.Repeat("r", 40)) {
		t.Error("secret echoed")
	}
}
