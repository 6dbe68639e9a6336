package awstest

import _ "embed"

// launcherPy starts moto's server after patching where moto 5.2.1 differs
// from real AWS in ways the tests depend on (see launcher.py, one comment
// per patch saying what real AWS does and what the patch makes moto do):
//
//   - auth errors in the XML shape real AWS sends (getmoto/moto#7641; the Go
//     SDK read moto's as "UnknownError");
//   - GetSessionToken mints tracked ASIA credentials for the calling user,
//     with the user's permissions, and checks TokenCode as a TOTP code of the
//     user's virtual MFA device (wrong code: AccessDenied);
//   - GetFederationToken mints tracked federated-user credentials (the
//     user's permissions intersected with the session policy) and refuses
//     session callers;
//   - AssumeRole from temporary credentials is capped at 1 h, at the role's
//     MaxSessionDuration otherwise, checks MFA codes, and evaluates
//     aws:MultiFactorAuthPresent in trust policies;
//   - an Inactive access key is refused (InvalidClientTokenId);
//   - session credentials may call only what real AWS lets them call;
//   - EnableMFADevice checks its two consecutive codes;
//   - AssumeRoleWithWebIdentity and AssumeRoleWithSAML pass authentication
//     unsigned, and tokens the test registered get the registered outcome.
//
// It is run with `python3 -c launcherPy <moto_server args>`.
//
//go:embed launcher.py
var launcherPy string
