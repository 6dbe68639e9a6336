//go:build !awskeep_testhooks

package cmd

import (
	"context"

	"github.com/awskeep/awskeep/sts"
)

// rotateTestHook: the shipped binary has no fault injection (see
// rotate_testhooks.go for the end-to-end tests' build).
func rotateTestHook(context.Context, *factory) (func(sts.RotateStep) error, error) {
	return nil, nil
}
