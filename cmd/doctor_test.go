package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
)

// slowAWS is a fake AWS that answers after a delay and records how many
// calls were in flight at once.
type slowAWS struct {
	delay            time.Duration
	inFlight, most   atomic.Int32
	mu               sync.Mutex
	identityCalls    map[string]int // by key ID
	accessKeysCalled atomic.Int32
}

func (a *slowAWS) enter() func() {
	n := a.inFlight.Add(1)
	for {
		m := a.most.Load()
		if n <= m || a.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(a.delay)
	return func() { a.inFlight.Add(-1) }
}

func (a *slowAWS) options(te *testEnv) *doctorOptions {
	return &doctorOptions{f: te.f,
		identity: func(_ context.Context, _ sts.ClientConfig, k sts.StaticKey) (sts.Identity, error) {
			defer a.enter()()
			a.mu.Lock()
			a.identityCalls[k.AccessKeyID]++
			a.mu.Unlock()
			return sts.Identity{ARN: "arn:aws:iam::111111111111:user/" + k.AccessKeyID, UserName: "u", Account: "111111111111"}, nil
		},
		accessKeys: func(_ context.Context, _ sts.ClientConfig, k sts.StaticKey, _ string) ([]sts.AccessKeyUse, error) {
			defer a.enter()()
			a.accessKeysCalled.Add(1)
			return []sts.AccessKeyUse{{KeyID: k.AccessKeyID, Status: "Active"}}, nil
		},
	}
}

// doctor checks many keys behind a slow AWS at once (bounded), asks once per
// key, and still reports the profiles in order.
func TestDoctorChecksConcurrentlyInOrder(t *testing.T) {
	te := newTestEnv(t)
	const n = 16
	var config strings.Builder
	now := te.f.Now()
	var store *vault.Store
	for i := range n {
		name := fmt.Sprintf("p%02d", i)
		fmt.Fprintf(&config, "[profile %s]\nregion = eu-west-1\n", name)
		store = storeKey(t, te, vault.Key{Profile: name, AccessKeyID: fmt.Sprintf("AKIAEXAMPLE%09d", i), SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	}
	_ = store
	// a role on p00's key: shares its verdict
	config.WriteString("[profile role]\nsource_profile = p00\nrole_arn = arn:aws:iam::111111111111:role/r\n")
	te.writeFile(t, ".aws/config", config.String())
	te.f.resetVault()
	aws := &slowAWS{delay: 20 * time.Millisecond, identityCalls: map[string]int{}}
	if err := runDoctor(context.Background(), aws.options(te)); err != nil {
		t.Fatalf("doctor: %v\n%s", err, te.stdout)
	}
	if len(aws.identityCalls) != n {
		t.Errorf("GetCallerIdentity for %d keys, want %d", len(aws.identityCalls), n)
	}
	for id, c := range aws.identityCalls {
		if c != 1 {
			t.Errorf("key %s asked about %d times, want once", id, c)
		}
	}
	if m := aws.most.Load(); m < 2 || m > doctorParallel {
		t.Errorf("at most %d AWS calls in flight, want 2 to %d", m, doctorParallel)
	}
	out := te.stdout.String()
	last := -1
	for _, name := range append(func() (s []string) {
		for i := range n {
			s = append(s, fmt.Sprintf("p%02d", i))
		}
		return s
	}(), "role") {
		at := strings.Index(out, "\n"+name+"\n")
		if at < 0 || at < last {
			t.Fatalf("profile %s at %d (previous at %d) in\n%s", name, at, last, out)
		}
		last = at
		// its own verdict follows its heading
		section := out[at+1:]
		if next := strings.Index(section[1:], "\n\n"); next >= 0 {
			section = section[:next+1]
		}
		keyOf := name
		if name == "role" {
			keyOf = "p00"
		}
		var i int
		fmt.Sscanf(keyOf, "p%d", &i)
		if want := fmt.Sprintf("user/AKIAEXAMPLE%09d", i); !strings.Contains(section, want) {
			t.Errorf("profile %s: want %s in\n%s", name, want, section)
		}
	}
	if te.stderr.Len() != 0 {
		t.Errorf("stderr is no terminal but got %q", te.stderr)
	}
}

// On a terminal, doctor shows a progress line on stderr and clears it.
func TestDoctorProgressLineOnTerminal(t *testing.T) {
	te := newTestEnv(t)
	now := te.f.Now()
	te.writeFile(t, ".aws/config", "[profile a]\n[profile b]\n[profile c]\n")
	for i, name := range []string{"a", "b", "c"} {
		storeKey(t, te, vault.Key{Profile: name, AccessKeyID: fmt.Sprintf("AKIAEXAMPLE%09d", i), SecretAccessKey: "secret-0000000000000000", CreatedAt: now, AddedAt: now})
	}
	te.f.resetVault()
	te.f.IO.stderrIsTerminal = func() bool { return true }
	aws := &slowAWS{identityCalls: map[string]int{}}
	err := runDoctor(context.Background(), aws.options(te))
	var exit *exitCodeError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	got := te.stderr.String()
	if !strings.Contains(got, "checking profiles: 0 of 3") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("stderr = %q, want a progress line that ends cleared", got)
	}
}

// doctor lists the lines the AWS CLI and the Go SDK read differently.
func TestDoctorListsSDKDifferences(t *testing.T) {
	te := newTestEnv(t)
	te.writeFile(t, ".aws/config", "[ profile dev ]\nregion = us-east-1\n[profile ops]\nregion = eu-west-1 # Ireland\n")
	aws := &slowAWS{identityCalls: map[string]int{}}
	err := runDoctor(context.Background(), aws.options(te))
	var exit *exitCodeError
	if !errors.As(err, &exit) || exit.code != exitFailure {
		t.Fatalf("doctor returned %v, want exit 1", err)
	}
	mustContain(t, "doctor", te.stdout.String(),
		`~/.aws/config line 1: the AWS CLI reads no profile; the Go SDK and terraform read profile "dev"`, "Write [profile dev].",
		`line 4: the AWS CLI reads region = "eu-west-1 # Ireland"; the Go SDK and terraform read region = "eu-west-1"`,
		"Put the comment on a line of its own.")
}
