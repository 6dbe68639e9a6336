package profiles

import (
	"slices"
	"strconv"
	"time"
)

// Chain is how a profile turns into credentials: Hops[0] is the profile that
// holds the long-term key (or names a credential_source), each later hop
// assumes its role with the credentials of the one before, and the last hop
// is the profile asked for. A profile without source_profile is a chain of
// one hop.
type Chain struct {
	Hops []Hop
}

// Target is the profile asked for.
func (c *Chain) Target() Hop { return c.Hops[len(c.Hops)-1] }

// Source is the profile that holds the long-term key.
func (c *Chain) Source() Hop { return c.Hops[0] }

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
	// Origins holds every key of the profile and where its value came from.
	// Secret values (aws_secret_access_key, aws_session_token) read "***".
	Origins map[string]Value
}

// secretKeys are keys whose values Origins never carries.
var secretKeys = map[string]bool{
	"aws_secret_access_key": true,
	"aws_session_token":     true,
	"aws_security_token":    true,
}

// Resolve follows source_profile from name to the profile that holds the
// key. Errors: *UnknownProfileError for name, *MissingSourceError,
// *CycleError (detected, never a hang), *NoSourceError for a role_arn with
// nothing to assume it with, *InvalidValueError for a bad duration_seconds
// or rotate_after on the way.
//
// A profile whose source_profile is itself (the AWS pattern "assume my role
// with my own key") ends the chain: the source hop is that profile without
// its role settings.
func (s *Set) Resolve(name string) (*Chain, error) {
	p, err := s.Profile(name)
	if err != nil {
		return nil, err
	}
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
		hops = append(hops, hop)
		path = append(path, p.Name)
		src := hop.SourceProfile
		if src != "" && hop.CredentialSource != "" {
			v, _ := p.Get("credential_source")
			return nil, &InvalidValueError{Profile: p.Name, Key: "credential_source", Value: v.Text, File: v.File, Line: v.Line,
				Msg: "cannot be combined with source_profile; keep one of the two"}
		}
		if src == "" {
			if hop.RoleARN != "" && hop.CredentialSource == "" && hop.WebIdentityTokenFile == "" {
				return nil, &NoSourceError{Profile: p.Name, RoleARN: hop.RoleARN}
			}
			break
		}
		if src == p.Name {
			hops = append(hops, ownKeyHop(hop))
			break
		}
		if slices.Contains(path, src) {
			return nil, &CycleError{Path: append(path, src)}
		}
		next := s.profiles[src]
		if next == nil {
			return nil, &MissingSourceError{Profile: p.Name, Source: src}
		}
		p = next
	}
	slices.Reverse(hops)
	return &Chain{Hops: hops}, nil
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
		Origins:              map[string]Value{},
	}
	for _, k := range p.Keys() {
		v, _ := p.Get(k)
		if secretKeys[k] {
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
