//go:build !awskeep_testhooks

package cmd

import (
	"context"
	"testing"
)

// The shipped build has no fault injection: the end-to-end tests' variables
// change nothing.
func TestShippedBuildIgnoresRotateTestVariables(t *testing.T) {
	te := newTestEnv(t)
	te.env["AWSKEEP_TEST_ROTATE_FAIL_AFTER"] = "nope"
	te.env["AWSKEEP_TEST_ROTATE_HANG_AFTER"] = "started"
	hook, err := rotateTestHook(context.Background(), te.f)
	if hook != nil || err != nil {
		t.Errorf("rotateTestHook = %v, %v; want no hook in the shipped build", hook != nil, err)
	}
}
