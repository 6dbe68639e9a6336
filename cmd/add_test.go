package cmd

import (
	"context"
	"errors"
	"io"
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

// add over a different stored key says which key it would replace and that
// it stays valid in IAM; it asks on a terminal and needs --force without.
func TestAddOverStoredKey(t *testing.T) {
	te := newTestEnv(t)
	const first = "AKIAFIRSTFIRSTFIRST1\nfirst-secret-0000000000000000000000000000\n"
	const second = "AKIASECONDSECONDSEC2\nsecond-secret-000000000000000000000000000\n"
	storedID := func() string {
		te.f.resetVault()
		store, err := te.f.Vault()
		if err != nil {
			t.Fatal(err)
		}
		k, err := store.Key("dev")
		if err != nil {
			t.Fatal(err)
		}
		return k.AccessKeyID
	}
	te.stdin.WriteString(first)
	if code := te.run("add", "dev", "--no-verify"); code != 0 {
		t.Fatalf("first add: exit %d\n%s", code, te.stderr)
	}

	te.stdin.WriteString(second)
	if code := te.run("add", "dev", "--no-verify"); code != exitFailure {
		t.Fatalf("add over a stored key without a terminal: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "profile dev already has key AKIA…RST1 stored", "--force", "stays valid in IAM")
	if id := storedID(); id != "AKIAFIRSTFIRSTFIRST1" {
		t.Fatalf("stored key is %s after a refused add", id)
	}

	tty := te.withTTY("n\n")
	te.stdin.WriteString(second)
	if code := te.run("add", "dev", "--no-verify"); code != 0 {
		t.Fatalf("declined: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "tty", tty.written.String(), "already has key AKIA…RST1", "Replace it? [y/N]")
	if id := storedID(); id != "AKIAFIRSTFIRSTFIRST1" {
		t.Fatalf("stored key is %s after declining", id)
	}

	te.withTTY("y\n")
	te.stdin.WriteString(second)
	if code := te.run("add", "dev", "--no-verify"); code != 0 {
		t.Fatalf("confirmed: exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "It replaces key AKIA…RST1, which is still valid in IAM")
	if id := storedID(); id != "AKIASECONDSECONDSEC2" {
		t.Fatalf("stored key is %s after confirming", id)
	}

	te.f.IO.openTTY = func() (io.ReadWriteCloser, error) { return nil, errors.New("no terminal") }
	te.stdin.WriteString(first)
	if code := te.run("add", "dev", "--no-verify", "--force"); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, te.stderr)
	}
	if id := storedID(); id != "AKIAFIRSTFIRSTFIRST1" {
		t.Fatalf("stored key is %s after --force", id)
	}
	// The same key again is no replacement.
	te.stdin.WriteString(first)
	if code := te.run("add", "dev", "--no-verify"); code != 0 {
		t.Fatalf("same key again: exit %d\n%s", code, te.stderr)
	}
}

// add reads a bounded line: a runaway input is refused at once, not read
// to its end byte by byte.
func TestAddRefusesHugeLine(t *testing.T) {
	te := newTestEnv(t)
	r := &countingReader{r: strings.NewReader(strings.Repeat("A", 30<<20) + "\nsecret\n")}
	te.f.IO.In = r
	if code := te.run("add", "dev", "--no-verify"); code != exitFailure {
		t.Fatalf("exit %d\n%s", code, te.stderr)
	}
	mustContain(t, "stderr", te.stderr.String(), "reading the access key ID from standard input: the line is longer than 4096 bytes")
	if r.n > maxLineLen+1 {
		t.Errorf("read %d bytes of a 30 MB line", r.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
