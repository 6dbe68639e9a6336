package sts

import (
	"fmt"
	"strings"
)

// Errors of Rotate besides those of classify. They carry facts, never
// secrets; cmd explains them.

// RotateError: a rotation stopped. Step is the last step it completed
// (empty: none), StoredKeyID the key the profile holds now, which AWS
// accepts at every point a rotation can stop. Running Rotate again
// finishes the rotation from its journal.
type RotateError struct {
	Profile     string
	Step        RotateStep
	StoredKeyID string
	OldKeyID    string
	NewKeyID    string // empty until IAM created the new key
	Err         error
}

func (e *RotateError) Error() string {
	if e.Step == "" {
		return fmt.Sprintf("rotating the key of profile %s: %v", e.Profile, e.Err)
	}
	return fmt.Sprintf("rotating the key of profile %s stopped after step %q: %v", e.Profile, e.Step, e.Err)
}

func (e *RotateError) Unwrap() error { return e.Err }

// KeySlotsFullError: the user already has two access keys, IAM's limit,
// so no new one can be created until one is deleted. Others are the keys
// besides the stored one, with their last use where IAM told.
type KeySlotsFullError struct {
	Profile     string
	UserName    string // empty for the root user
	StoredKeyID string
	Others      []AccessKeyUse
}

func (e *KeySlotsFullError) Error() string {
	ids := make([]string, len(e.Others))
	for i, k := range e.Others {
		ids[i] = MaskKeyID(k.KeyID)
	}
	who := "the root user"
	if e.UserName != "" {
		who = "IAM user " + e.UserName
	}
	return fmt.Sprintf("%s already has two access keys (IAM's limit): the stored %s and %s",
		who, MaskKeyID(e.StoredKeyID), strings.Join(ids, ", "))
}

// NotAUserKeyError: the stored key does not sign as an IAM user or the
// root user (it is a role or federated session), so IAM has no access
// keys of its own to rotate.
type NotAUserKeyError struct {
	Profile string
	ARN     string
}

func (e *NotAUserKeyError) Error() string {
	return fmt.Sprintf("the key of profile %s signs as %s, not as an IAM user; only an IAM user's access keys can be rotated", e.Profile, e.ARN)
}
