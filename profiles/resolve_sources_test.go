package profiles

import (
	"slices"
	"testing"
)

// Where a chain ends and what it draws on, against the SDKs' documented and
// implemented precedence:
//
//   - botocore (credentials.py, AssumeRoleProvider._resolve_credentials_from_profile):
//     a source profile with static credentials is used as it is, its own
//     role_arn ignored; one with role_arn (and no static keys) is assumed in
//     turn from its own source; one without role_arn gets the profile
//     providers (credential_process, SSO, ...).
//   - Go SDK (config/shared_config.go setFromIniSections): a profile reached
//     through source_profile that has static keys returns there.
//   - Both: role_arn on the profile asked for wins over its own credentials.
//
// A key stored in awskeep's keyring counts as static keys of that profile.
func TestResolveSourcePrecedence(t *testing.T) {
	const (
		role  = "role_arn = arn:aws:iam::111111111111:role/r\n"
		keys  = "aws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = s3cr3t\n"
		other = "credential_process = other-tool --json\n"
		self  = "credential_process = awskeep credential-process c\n"
	)
	tests := []struct {
		name        string
		config      string
		credentials string
		stored      []string
		asked       string
		hops        []string
		kind        SourceKind
		early       bool
	}{
		{name: "a → b → c, key stored for c", stored: []string{"c"},
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + role + "[profile c]\n",
			asked:  "a", hops: []string{"c", "b", "a"}, kind: SourceStoredKey},
		{name: "a → b → c, key stored for b: the chain ends at b", stored: []string{"b"},
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + role + "[profile c]\n",
			asked:  "a", hops: []string{"b", "a"}, kind: SourceStoredKey, early: true},
		{name: "a → b → c, keys stored for b and c: b's is used", stored: []string{"b", "c"},
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + role + "[profile c]\n",
			asked:  "a", hops: []string{"b", "a"}, kind: SourceStoredKey, early: true},
		{name: "a → b → c, static keys for b in the credentials file",
			config:      "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + role + "[profile c]\n",
			credentials: "[b]\n" + keys,
			asked:       "a", hops: []string{"b", "a"}, kind: SourceStaticKey, early: true},
		{name: "a → b → c, b's own credential_process without role_arn ends the chain",
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + other + "[profile c]\n",
			asked:  "a", hops: []string{"b", "a"}, kind: SourceProcess, early: true},
		{name: "a → b → c, b with role_arn: its credential_process is not used",
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + role + other + "[profile c]\n", stored: []string{"c"},
			asked: "a", hops: []string{"c", "b", "a"}, kind: SourceStoredKey},
		{name: "a → b → c, b's credential_process runs awskeep: never a source", stored: []string{"c"},
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\nsource_profile = c\n" + self + "[profile c]\n",
			asked:  "a", hops: []string{"c", "b", "a"}, kind: SourceStoredKey},
		{name: "the profile asked for: role_arn wins over its own stored key", stored: []string{"a", "b"},
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\n",
			asked:  "a", hops: []string{"b", "a"}, kind: SourceStoredKey},
		{name: "the profile asked for: role_arn wins over its own static keys", stored: []string{"b"},
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\n", credentials: "[a]\n" + keys,
			asked: "a", hops: []string{"b", "a"}, kind: SourceStoredKey},
		{name: "one profile with a stored key", stored: []string{"a"}, config: "[profile a]\n",
			asked: "a", hops: []string{"a"}, kind: SourceStoredKey},
		{name: "one profile, stored key over static keys", stored: []string{"a"}, config: "[profile a]\n", credentials: "[a]\n" + keys,
			asked: "a", hops: []string{"a"}, kind: SourceStoredKey},
		{name: "one profile with static keys only", credentials: "[a]\n" + keys,
			asked: "a", hops: []string{"a"}, kind: SourceStaticKey},
		{name: "one profile with another tool's credential_process", config: "[profile a]\n" + other,
			asked: "a", hops: []string{"a"}, kind: SourceProcess},
		{name: "stored key over the profile's own credential_process", stored: []string{"a"}, config: "[profile a]\n" + other,
			asked: "a", hops: []string{"a"}, kind: SourceStoredKey},
		{name: "a credential_process that runs awskeep is nothing", config: "[profile a]\n" + self,
			asked: "a", hops: []string{"a"}, kind: SourceNone},
		{name: "nothing at the end of the chain",
			config: "[profile a]\nsource_profile = b\n" + role + "[profile b]\n",
			asked:  "a", hops: []string{"b", "a"}, kind: SourceNone},
		{name: "its own source_profile: its own key assumes its role", stored: []string{"a"},
			config: "[profile a]\nsource_profile = a\n" + role,
			asked:  "a", hops: []string{"a", "a"}, kind: SourceStoredKey},
		{name: "credential_source", config: "[profile a]\ncredential_source = Ec2InstanceMetadata\n" + role,
			asked: "a", hops: []string{"a"}, kind: SourceCredentialSource},
		{name: "web identity", config: "[profile a]\nweb_identity_token_file = /t\n" + role,
			asked: "a", hops: []string{"a"}, kind: SourceWebIdentity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := writeSet(t, tt.config, tt.credentials)
			c, err := s.ResolveWith(tt.asked, ResolveOptions{HasStoredKey: func(p string) bool { return slices.Contains(tt.stored, p) }})
			if err != nil {
				t.Fatal(err)
			}
			if got := hopNames(c); !slices.Equal(got, tt.hops) {
				t.Errorf("hops = %q, want %q", got, tt.hops)
			}
			if c.SourceKind != tt.kind || c.EndsEarly != tt.early {
				t.Errorf("SourceKind = %q, EndsEarly = %v; want %q, %v", c.SourceKind, c.EndsEarly, tt.kind, tt.early)
			}
			if tt.early && (c.Source().RoleARN != "" || c.Source().SourceProfile != "") {
				t.Errorf("source hop keeps its role settings: %+v", c.Source())
			}
		})
	}
}
