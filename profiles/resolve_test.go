package profiles

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func hopNames(c *Chain) []string {
	var names []string
	for _, h := range c.Hops {
		names = append(names, h.Profile)
	}
	return names
}

func TestResolveThreeHops(t *testing.T) {
	s := writeSet(t, `[profile base]
region = us-east-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice
rotate_after = 30d

[profile mid]
source_profile = base
role_arn = arn:aws:iam::222222222222:role/Mid
duration_seconds = 3600

[profile top]
source_profile = mid
role_arn = arn:aws:iam::333333333333:role/Top
external_id = ext-1
role_session_name = alice
endpoint_url = http://localhost:4566/#x
`, `[base]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = s3cr3t
`)
	c, err := s.Resolve("top")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hopNames(c), []string{"base", "mid", "top"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("hops = %q, want %q", got, want)
	}
	src, mid, top := c.Source(), c.Hops[1], c.Target()
	if src.Profile != "base" || src.RoleARN != "" || src.MFASerial != "arn:aws:iam::111111111111:mfa/alice" || src.RotateAfter != 30*24*time.Hour {
		t.Errorf("source hop = %+v", src)
	}
	if mid.SourceProfile != "base" || mid.RoleARN != "arn:aws:iam::222222222222:role/Mid" || mid.Duration != time.Hour {
		t.Errorf("mid hop = %+v", mid)
	}
	if top.ExternalID != "ext-1" || top.RoleSessionName != "alice" || top.EndpointURL != "http://localhost:4566/#x" || top.Duration != 0 {
		t.Errorf("top hop = %+v", top)
	}
	paths := s.Paths()
	wantOrigins := map[string]Value{
		"source_profile":    {Text: "mid", File: paths.Config, Line: 12},
		"role_arn":          {Text: "arn:aws:iam::333333333333:role/Top", File: paths.Config, Line: 13},
		"external_id":       {Text: "ext-1", File: paths.Config, Line: 14},
		"role_session_name": {Text: "alice", File: paths.Config, Line: 15},
		"endpoint_url":      {Text: "http://localhost:4566/#x", File: paths.Config, Line: 16},
	}
	if !reflect.DeepEqual(top.Origins, wantOrigins) {
		t.Errorf("top origins = %+v\nwant %+v", top.Origins, wantOrigins)
	}
	if got := src.Origins["aws_access_key_id"]; got != (Value{Text: "AKIAEXAMPLE", File: paths.Credentials, Line: 2}) {
		t.Errorf("source key id origin = %+v", got)
	}
	if got := src.Origins["aws_secret_access_key"]; got.Text != "***" || got.Line != 3 {
		t.Errorf("secret origin = %+v, want redacted text at line 3", got)
	}
}

func TestResolveSingleAndShared(t *testing.T) {
	s := writeSet(t, "[default]\nregion = r\n[profile shared]\nsource_profile = default\nregion = x\n", "")
	c, err := s.Resolve("default")
	if err != nil || len(c.Hops) != 1 || c.Source().Profile != "default" || c.Target().Profile != "default" {
		t.Fatalf("Resolve(default) = %+v, %v; want one hop", c, err)
	}
	// source_profile without role_arn shares the source's key.
	c, err = s.Resolve("shared")
	if err != nil {
		t.Fatal(err)
	}
	if got := hopNames(c); !reflect.DeepEqual(got, []string{"default", "shared"}) || c.Target().RoleARN != "" {
		t.Errorf("shared: hops %q, target %+v", got, c.Target())
	}
}

func TestResolveSelfSource(t *testing.T) {
	s := writeSet(t, "[profile me]\nsource_profile = me\nrole_arn = arn:aws:iam::1:role/R\nduration_seconds = 900\n", "")
	c, err := s.Resolve("me")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hops) != 2 || c.Source().Profile != "me" || c.Source().RoleARN != "" || c.Source().Duration != 0 ||
		c.Target().RoleARN != "arn:aws:iam::1:role/R" || c.Target().Duration != 15*time.Minute {
		t.Errorf("self-sourced chain = %+v", c.Hops)
	}
}

func TestResolveCycle(t *testing.T) {
	s := writeSet(t, `[profile a]
source_profile = b
role_arn = arn:aws:iam::1:role/a
[profile b]
source_profile = c
role_arn = arn:aws:iam::1:role/b
[profile c]
source_profile = a
role_arn = arn:aws:iam::1:role/c
[profile d]
source_profile = a
role_arn = arn:aws:iam::1:role/d
`, "")
	tests := []struct {
		name string
		path []string
	}{
		{"a", []string{"a", "b", "c", "a"}},
		{"d", []string{"d", "a", "b", "c", "a"}},
	}
	for _, tt := range tests {
		done := make(chan error, 1)
		go func() { _, err := s.Resolve(tt.name); done <- err }()
		select {
		case err := <-done:
			var ce *CycleError
			if !errors.As(err, &ce) || !reflect.DeepEqual(ce.Path, tt.path) {
				t.Errorf("Resolve(%q) = %v, want cycle %q", tt.name, err, tt.path)
			}
			if err != nil && !strings.Contains(err.Error(), strings.Join(tt.path, " -> ")) {
				t.Errorf("error text %q does not name the path", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("Resolve(%q) hangs on a cycle", tt.name)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	s := writeSet(t, `[profile missing]
source_profile = ghost
role_arn = arn:aws:iam::1:role/x
[profile orphan]
role_arn = arn:aws:iam::1:role/orphan
[profile ec2]
role_arn = arn:aws:iam::1:role/ec2
credential_source = Ec2InstanceMetadata
[profile both]
source_profile = ec2
credential_source = Environment
role_arn = arn:aws:iam::1:role/both
[profile baddur]
source_profile = ec2
duration_seconds = 1h
[profile zerodur]
duration_seconds = 0
[profile badage]
rotate_after = soon
[profile viabad]
source_profile = baddur
`, "")

	var ms *MissingSourceError
	if _, err := s.Resolve("missing"); !errors.As(err, &ms) || ms.Profile != "missing" || ms.Source != "ghost" {
		t.Errorf("missing source: %v", err)
	}
	var ns *NoSourceError
	if _, err := s.Resolve("orphan"); !errors.As(err, &ns) || ns.Profile != "orphan" || ns.RoleARN != "arn:aws:iam::1:role/orphan" {
		t.Errorf("role without source: %v", err)
	}
	if c, err := s.Resolve("ec2"); err != nil || c.Source().CredentialSource != "Ec2InstanceMetadata" {
		t.Errorf("credential_source role: %+v, %v", c, err)
	}
	invalid := []struct {
		profile, key, value string
		line                int
	}{
		{"both", "credential_source", "Environment", 11},
		{"baddur", "duration_seconds", "1h", 15},
		{"zerodur", "duration_seconds", "0", 17},
		{"badage", "rotate_after", "soon", 19},
		{"viabad", "duration_seconds", "1h", 15},
	}
	for _, tt := range invalid {
		_, err := s.Resolve(tt.profile)
		var ie *InvalidValueError
		if !errors.As(err, &ie) || ie.Key != tt.key || ie.Value != tt.value || ie.Line != tt.line || ie.File != s.Paths().Config {
			t.Errorf("Resolve(%q) = %v (%+v), want invalid %s=%q at line %d", tt.profile, err, ie, tt.key, tt.value, tt.line)
		}
	}
}
