//go:build awskeep_testhooks

package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/awskeep/awskeep/sts"
)

// Fault injection for the end-to-end tests, which run the built binary and
// so can reach it only through the environment. Only a binary built with
// -tags awskeep_testhooks (e2e/main_test.go builds one) has it; the shipped
// binary neither reads nor names these variables. Each can only make a
// rotation stop early, where a crash could stop it too.
const (
	// envRotateFailAfter=<step> fails the rotation right after <step>.
	envRotateFailAfter = "AWSKEEP_TEST_ROTATE_FAIL_AFTER"
	// envRotateHangAfter=<step> blocks right after <step>, having said so
	// on stderr, until the process is killed.
	envRotateHangAfter = "AWSKEEP_TEST_ROTATE_HANG_AFTER"
)

// rotateTestHook builds the fault-injection hook from the test variables.
func rotateTestHook(ctx context.Context, f *factory) (func(sts.RotateStep) error, error) {
	failAfter, hangAfter := f.Getenv(envRotateFailAfter), f.Getenv(envRotateHangAfter)
	if failAfter == "" && hangAfter == "" {
		return nil, nil
	}
	for name, v := range map[string]string{envRotateFailAfter: failAfter, envRotateHangAfter: hangAfter} {
		if v != "" && !slices.Contains(sts.RotateSteps, sts.RotateStep(v)) {
			return nil, fmt.Errorf("%s=%q is not a rotation step (one of %s)", name, v, stepNames())
		}
	}
	return func(step sts.RotateStep) error {
		switch string(step) {
		case failAfter:
			return fmt.Errorf("failure injected after step %s by %s (a test hook)", step, envRotateFailAfter)
		case hangAfter:
			fmt.Fprintf(f.IO.ErrOut, "awskeep: %s: holding after step %s until killed\n", envRotateHangAfter, step)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}, nil
}

func stepNames() string {
	names := make([]string, len(sts.RotateSteps))
	for i, s := range sts.RotateSteps {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
