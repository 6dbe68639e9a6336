// Package profiles owns the AWS shared configuration files, ~/.aws/config and
// ~/.aws/credentials: reading them with the AWS CLI's rules, resolving a
// profile into a chain of hops (source_profile, role_arn, mfa_serial, ...),
// and editing them surgically so that every line an edit is not about stays
// byte for byte.
//
// It must not know about keyrings, STS or the network, and it never prints:
// problems come back as typed errors carrying the file, line and value.
//
// File syntax (the AWS CLI's configparser rules, see document.go):
//   - [profile NAME] and [default] (also [profile default]) are profiles in
//     the config file; a bare [NAME] there is not. The credentials file uses
//     [NAME] only. Other sections ([sso-session x], [services x], ...) are
//     left alone.
//   - Comments are whole lines starting with # or ; (after whitespace).
//     A # or ; inside a value is part of the value; there are no inline
//     comments on key lines (endpoint_url = http://h/#x keeps its #x).
//   - Keys are trimmed and case-insensitive (stored lower-case); values are
//     trimmed and kept literally (quotes included).
//   - An indented line after a key continues it; after an empty value
//     (s3 =) the indented lines are a nested block of sub-keys.
package profiles
