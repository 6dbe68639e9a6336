//go:build awskeep_testhooks

package vault

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Test builds only (go build -tags awskeep_testhooks); never in the shipped
// binary.

// newStoreKDF: cheap, so tests built with -race do not pay seconds per
// derivation. Stores record their parameters, so reading is unchanged.
var newStoreKDF = kdfParams{Name: kdfArgon2id, Version: argon2Version, MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

var (
	failpointMu   sync.Mutex
	failpointHits = map[string]int{}
)

// failpoint pauses the process at the n-th time it passes point name when
// AWSKEEP_TEST_PAUSE_AT is "name" or "name:n": it prints
// "awskeep-test: paused at name:n" on stderr and sleeps until it is killed.
// AWSKEEP_TEST_EXIT_AT does the same but exits at once with status 99.
// AWSKEEP_TEST_ANNOUNCE=1 prints "awskeep-test: at name:n" at every point.
func failpoint(name string) {
	failpointMu.Lock()
	failpointHits[name]++
	hit := failpointHits[name]
	failpointMu.Unlock()
	if os.Getenv("AWSKEEP_TEST_ANNOUNCE") != "" {
		fmt.Fprintf(os.Stderr, "awskeep-test: at %s:%d\n", name, hit)
	}
	if matchFailpoint(os.Getenv("AWSKEEP_TEST_EXIT_AT"), name, hit) {
		fmt.Fprintf(os.Stderr, "awskeep-test: exiting at %s:%d\n", name, hit)
		os.Exit(99)
	}
	if matchFailpoint(os.Getenv("AWSKEEP_TEST_PAUSE_AT"), name, hit) {
		fmt.Fprintf(os.Stderr, "awskeep-test: paused at %s:%d\n", name, hit)
		for {
			time.Sleep(time.Hour)
		}
	}
}

func matchFailpoint(spec, name string, hit int) bool {
	if spec == "" {
		return false
	}
	want, nth, hasN := strings.Cut(spec, ":")
	if want != name {
		return false
	}
	if !hasN {
		return hit == 1
	}
	n, err := strconv.Atoi(nth)
	return err == nil && n == hit
}
