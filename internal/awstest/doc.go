// Package awstest runs a moto server (an AWS IAM/STS emulator) for Go tests
// and offers helpers to seed it: users, access keys, roles, policies, and a
// recorder of the requests it received.
//
// The server enforces authentication: every request must be SigV4-signed by
// a key moto knows, so tests see the real InvalidClientTokenId,
// SignatureDoesNotMatch and AccessDenied errors. moto 5.2.1 writes those
// three errors in a shape the Go SDK cannot parse; the Python launcher in
// this package rewrites them into the shape real AWS sends. That fix lives
// here, never in the product.
//
// Sharing one server: helpers give every user and role a unique name, so
// tests in one package may share a server (start it in TestMain with
// StartForMain) and run in parallel. Two things are global to a server and
// must not overlap with parallel tests that depend on them: switching
// authentication off (DisableAuth) and the request recorder (StartRecording
// serializes recorders, but other tests' requests still land in the
// recording; filter on Request.AccessKeyID).
//
// moto is required, never optional: when python3 cannot import moto.server
// the test fails loudly, so CI cannot pass silently without it.
//
// This package is test support only; the product must not import it.
package awstest
