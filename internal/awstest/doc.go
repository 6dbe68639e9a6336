// Package awstest runs a moto server (an AWS IAM/STS emulator) for Go tests
// and offers helpers to seed it: users, access keys, roles, policies, MFA
// devices, identity tokens, and a recorder of the requests it received.
//
// The server enforces authentication: every request must be SigV4-signed by
// a key moto knows, so tests see the real InvalidClientTokenId,
// SignatureDoesNotMatch and AccessDenied errors. moto is launched through
// launcher.py, which patches where stock moto 5.2.1 differs from real AWS
// (each patch is documented there and in docs/testing.md, and proved by
// patches_test.go). In short, with this harness:
//
//   - GetSessionToken returns fresh ASIA credentials of the calling user,
//     accepted under auth with the user's permissions (IAM only when the
//     session was made with MFA, as in AWS); TokenCode is checked as a TOTP
//     code of the user's virtual MFA device. Wrong code: AccessDenied
//     "MultiFactorAuthentication failed with invalid MFA one time pass
//     code."; a serial that is not the caller's device: AccessDenied
//     "MultiFactorAuthentication failed, unable to validate MFA code. ...".
//   - AssumeRole signed by temporary credentials is capped at 1 h
//     (ValidationError "... 1 hour session limit for roles assumed by role
//     chaining."), and at the role's MaxSessionDuration; its MFA code is
//     checked too; trust policies may require aws:MultiFactorAuthPresent
//     (RequireMFA).
//   - An Inactive access key is refused with InvalidClientTokenId.
//   - GetFederationToken returns tracked credentials of
//     arn:aws:sts::ACCOUNT:federated-user/NAME (the user's permissions
//     intersected with the session policy; no IAM; of STS only
//     GetCallerIdentity) and refuses session callers with AccessDenied.
//   - AssumeRoleWithWebIdentity and AssumeRoleWithSAML work unsigned under
//     auth; RegisterIdentityToken, NewIdentityToken, StrictIdentityRole and
//     CreateWebIdentityRole decide what a token gets (ExpiredTokenException,
//     InvalidIdentityToken, IDPRejectedClaim, AccessDenied ...).
//
// Helpers for the above: CreateMFAUser / EnableVirtualMFA return an
// MFADevice (Serial, Seed) whose Code, CodeAt and WrongCode give TOTP codes
// and whose MFAProcess writes an mfa_process command; SessionToken and
// FederationToken call STS as a user; Sessions / SessionsOf list what moto
// minted (to tell which key signed a recorded request); CallerARN runs
// GetCallerIdentity; Credentials carries a SessionToken for temporary keys.
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
