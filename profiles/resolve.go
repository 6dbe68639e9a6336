package profiles

import (
	"slices"
	"strconv"
	"time"
)

// Chain is how a profile turns into credentials: Hops[0] is the profile
// whose credentials the chain starts from (its source), each later hop
// assumes its role with the credentials of the one before, and the last hop
// is the profile asked for. A profile without source_profile is a chain of
// one hop.
type Chain struct {
	Hops []Hop
	// SourceKind says what Hops[0] draws its credentials from.
	SourceKind SourceKind
	// EndsEarly is true when the chain stops at a profile that itself names
	// a source_profile (or a role), because that profile holds credentials of
	// its own, as the AWS SDKs stop there; Hops[0] is then that profile
	// without its role settings.
	EndsEarly bool
}

// Target is the profile asked for.
func (c *Chain) Target() Hop { return c.Hops[len(c.Hops)-1] }

// Source is the profile the chain's first credentials come from.
func (c *Chain) Source() Hop { return c.Hops[0] }

// SourceKind is what a chain's source profile draws its credentials from.
type SourceKind string

// Values of SourceKind. A new way of getting credentials (IAM Identity
// Center, ...) adds a kind here, a case in sourceKindOf, and a source step
// in package sts.
const (
	// SourceNone: the source profile holds nothing awskeep can use; awskeep
	// expects a stored key there (and says so when there is none).
	SourceNone SourceKind = ""
	// SourceStoredKey: a long-term key in awskeep's keyring.
	SourceStoredKey SourceKind = "stored key"
	// SourceStaticKey: aws_access_key_id and aws_secret_access_key in the
	// files (plain text).
	SourceStaticKey SourceKind = "static key"
	// SourceProcess: another tool's credential_process.
	SourceProcess SourceKind = "credential_process"
	// SourceSSO: IAM Identity Center (Hop.SSO).
	SourceSSO SourceKind = "sso"
	// SourceCredentialSource and SourceWebIdentity: a role assumed with
	// credential_source or web_identity_token_file.
	SourceCredentialSource SourceKind = "credential_source"
	SourceWebIdentity      SourceKind = "web identity"
)

// Hop is one profile's settings on the way.
type Hop struct {
	Profile              string
	SourceProfile        string
	RoleARN              string
	MFASerial            string
	MFAProcess           string
	ExternalID           string
	RoleSessionName      string
	Duration             time.Duration // duration_seconds; 0 when unset
	Region               string
	EndpointURL          string
	CredentialProcess    string
	CredentialSource     string // Environment, Ec2InstanceMetadata, EcsContainer
	WebIdentityTokenFile string
	// SSO is set when the profile gets its credentials from IAM Identity
	// Center (sso_session or the legacy sso_* keys); such a profile is a
	// chain source.
	SSO         *SSO
	RotateAfter time.Duration // rotate_after; 0 when unset
	// StaticKey is true when the files hold a plain-text key pair for the profile.
	StaticKey bool
	// Origins holds every key of the profile and where its value came from.
	// Secret values (see IsSecretKey) read "***".
	Origins map[string]Value
}

// ResolveOptions tell Resolve what it cannot know itself: profiles is pure
// and never opens the keyring.
type ResolveOptions struct {
	// HasStoredKey reports whether the keyring holds a key for profile;
	// nil means no profile has one.
	HasStoredKey func(profile string) bool
	// WebIdentityEnv is true when AWS_WEB_IDENTITY_TOKEN_FILE and
	// AWS_ROLE_ARN are set: a chain's last profile with nothing of its own
	// then draws on that web identity, as in the SDKs.
	WebIdentityEnv bool
}

// Resolve is ResolveWith without a keyring: no profile counts as having a
// stored key, so only the files decide where a chain ends.
func (s *Set) Resolve(name string) (*Chain, error) {
	return s.ResolveWith(name, ResolveOptions{})
}

// ResolveWith follows source_profile from name to the profile whose
// credentials the chain starts from, with the AWS SDKs' precedence
// (botocore's where the SDKs differ):
//
//   - The profile asked for assumes its role_arn with its source_profile's
//     credentials even when it holds credentials of its own (role_arn wins,
//     as in every SDK).
//   - A profile reached through source_profile that holds credentials of its
//     own ends the chain there, and its own role_arn and source_profile are
//     not used: a stored key or a plain-text key pair always; its own IAM
//     Identity Center settings or credential_process when it has no
//     role_arn (with role_arn, the SDKs assume that role from its
//     source_profile instead).
//   - A profile that is its own source_profile ("assume my role with my own
//     key") ends the chain with that profile without its role settings.
//   - A credential_process that runs awskeep is never a source (following it
//     would call awskeep again).
//
// Errors: *UnknownProfileError for name, *MissingSourceError, *CycleError
// (detected, never a hang), *NoSourceError for a role_arn with nothing to
// assume it with, *InvalidValueError for a bad duration_seconds or
// rotate_after on the way.
func (s *Set) ResolveWith(name string, o ResolveOptions) (*Chain, error) {
	p, err := s.Profile(name)
	if err != nil {
		return nil, err
	}
	chain := &Chain{}
	var hops []Hop
	var path []string
	for {
		hop, err := hopOf(p)
		if err != nil {
			return nil, err
		}
		if hop.SSO, err = s.ssoOf(p); err != nil {
			return nil, err
		}
		if len(hops) > 0 {
			if kind := ownCredentials(hop, o); kind != SourceNone {
				chain.EndsEarly = hop.SourceProfile != "" || hop.RoleARN != ""
				chain.SourceKind = kind
				hops = append(hops, ownKeyHop(hop))
				break
			}
		}
		hops = append(hops, hop)
		path = append(path, p.Name)
		src := hop.SourceProfile
		if src != "" && hop.CredentialSource != "" {
			v, _ := p.Get("credential_source")
			return nil, &InvalidValueError{Profile: p.Name, Key: "credential_source", Value: v.Text, File: v.File, Line: v.Line,
				Msg: "cannot be combined with source_profile; keep one of the two"}
		}
		if src == "" {
			switch {
			case hop.CredentialSource != "":
				chain.SourceKind = SourceCredentialSource
			case hop.WebIdentityTokenFile != "":
				chain.SourceKind = SourceWebIdentity
			case hop.RoleARN != "":
				return nil, &NoSourceError{Profile: p.Name, RoleARN: hop.RoleARN}
			default:
				chain.SourceKind = terminalCredentials(hop, o)
			}
			break
		}
		if src == p.Name {
			own := ownKeyHop(hop)
			hops = append(hops, own)
			chain.SourceKind = terminalCredentials(own, o)
			break
		}
		if slices.Contains(path, src) {
			return nil, &CycleError{Path: append(path, src)}
		}
		next := s.lookup(src)
		if next == nil {
			return nil, &MissingSourceError{Profile: p.Name, Source: src}
		}
		p = next
	}
	slices.Reverse(hops)
	chain.Hops = hops
	return chain, nil
}

// ownCredentials is what a profile reached through source_profile holds of
// its own that ends the chain there, or SourceNone.
func ownCredentials(h Hop, o ResolveOptions) SourceKind {
	switch {
	case o.HasStoredKey != nil && o.HasStoredKey(h.Profile):
		return SourceStoredKey
	case h.StaticKey:
		return SourceStaticKey
	case h.RoleARN == "" && h.SSO != nil:
		return SourceSSO
	case h.RoleARN == "" && h.CredentialProcess != "" && !RunsAwskeep(h.CredentialProcess):
		return SourceProcess
	}
	return SourceNone
}

// terminalCredentials is what the last profile of a chain (no
// source_profile to follow) draws its credentials from: a stored key first,
// then a plain-text key, IAM Identity Center, then another tool's
// credential_process.
func terminalCredentials(h Hop, o ResolveOptions) SourceKind {
	switch {
	case o.HasStoredKey != nil && o.HasStoredKey(h.Profile):
		return SourceStoredKey
	case h.StaticKey:
		return SourceStaticKey
	case h.SSO != nil:
		return SourceSSO
	case h.CredentialProcess != "" && !RunsAwskeep(h.CredentialProcess):
		return SourceProcess
	case o.WebIdentityEnv:
		return SourceWebIdentity
	}
	return SourceNone
}

// ownKeyHop is the source hop of a profile that is its own source_profile.
func ownKeyHop(h Hop) Hop {
	h.SourceProfile, h.RoleARN, h.ExternalID, h.RoleSessionName, h.Duration = "", "", "", "", 0
	return h
}

func hopOf(p *Profile) (Hop, error) {
	get := func(k string) string { v, _ := p.Get(k); return v.Text }
	h := Hop{
		Profile:              p.Name,
		SourceProfile:        get("source_profile"),
		RoleARN:              get("role_arn"),
		MFASerial:            get("mfa_serial"),
		MFAProcess:           get("mfa_process"),
		ExternalID:           get("external_id"),
		RoleSessionName:      get("role_session_name"),
		Region:               get("region"),
		EndpointURL:          get("endpoint_url"),
		CredentialProcess:    get("credential_process"),
		CredentialSource:     get("credential_source"),
		WebIdentityTokenFile: get("web_identity_token_file"),
		StaticKey:            p.HasStaticKey(),
		Origins:              map[string]Value{},
	}
	for _, k := range p.Keys() {
		v, _ := p.Get(k)
		if IsSecretKey(k) {
			v.Text = "***"
		}
		h.Origins[k] = v
	}
	if v, ok := p.Get("duration_seconds"); ok {
		n, err := strconv.ParseInt(v.Text, 10, 32)
		if err != nil || n <= 0 {
			return Hop{}, &InvalidValueError{Profile: p.Name, Key: "duration_seconds", Value: v.Text, File: v.File, Line: v.Line,
				Msg: "must be a positive whole number of seconds, such as 3600"}
		}
		h.Duration = time.Duration(n) * time.Second
	}
	if v, ok := p.Get("rotate_after"); ok {
		d, err := ParseAge(v.Text)
		if err != nil {
			return Hop{}, &InvalidValueError{Profile: p.Name, Key: "rotate_after", Value: v.Text, File: v.File, Line: v.Line,
				Msg: "must be an age such as 90d, 36h or 30m"}
		}
		h.RotateAfter = d
	}
	return h, nil
}
