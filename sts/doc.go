// Package sts owns everything awskeep says to AWS: checking a key
// (GetCallerIdentity), IAM key metadata, session tokens with MFA,
// assume-role chains and the session cache policy (sessions.go: Provider,
// Retrieve), and key rotation. It also
// owns the translation of AWS and network failures into typed errors
// (errors.go) that carry the facts an explanation needs.
//
// It must not print to the terminal or read ~/.aws itself: callers pass a
// ClientConfig and the key, and render the returned values and errors.
package sts
