package profiles

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
)

// Value is one setting and where it came from.
type Value struct {
	Text string
	File string
	Line int // 1-based
}

// Set is the profiles of one config file and one credentials file. It is
// read-only after Load, so goroutines may share it.
type Set struct {
	paths       Paths
	config      *Document
	credentials *Document
	profiles    map[string]*Profile
	// ssoSessions are the [sso-session NAME] sections of the config file.
	ssoSessions map[string]*ssoSession
}

// Profile is one named profile, merged from both files. Its values are read
// from the parsed documents when asked for, so loading a file of many
// profiles costs one pass over its lines.
type Profile struct {
	Name          string
	InConfig      bool // a config section defines it
	InCredentials bool // a credentials section defines it
	set           *Set
	configSection string // its section in the config file, when InConfig
}

// Load reads both files. A missing file counts as empty; reading never
// creates or touches a file. A malformed line gives *ParseError.
func Load(p Paths) (*Set, error) {
	s := &Set{paths: p, profiles: map[string]*Profile{}}
	var err error
	if s.config, err = readDocument(p.Config); err != nil {
		return nil, err
	}
	if s.credentials, err = readDocument(p.Credentials); err != nil {
		return nil, err
	}
	s.addConfig()
	s.addCredentials()
	return s, nil
}

// readDocument parses the file at path; a missing file (or no path) is empty.
func readDocument(path string) (*Document, error) {
	if path == "" {
		return ParseDocument(nil)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ParseDocument(nil)
	}
	if err != nil {
		return nil, err
	}
	d, err := ParseDocument(data)
	var perr *ParseError
	if errors.As(err, &perr) {
		perr.File = path
	}
	return d, err
}

// configProfileName maps a config section to its profile: "default" and
// "profile default" to "default", "profile NAME" to NAME. Other sections
// (a bare [NAME], sso-session, services, ...) are no profile for the CLI.
func configProfileName(section string) (string, bool) {
	if section == "default" {
		return "default", true
	}
	name, ok := strings.CutPrefix(section, "profile ")
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return "", false // botocore needs exactly "profile" and one name
	}
	return name, true
}

func (s *Set) profile(name string) *Profile {
	p := s.profiles[name]
	if p == nil {
		p = &Profile{Name: name, set: s}
		s.profiles[name] = p
	}
	return p
}

func (s *Set) addConfig() {
	// [profile default] wins over [default] as a whole (as in the Go SDK),
	// rather than the two merging key by key.
	hasProfileDefault := s.config.HasSection("profile default")
	for _, sec := range s.config.order {
		if name, ok := strings.CutPrefix(sec, "sso-session "); ok && name != "" {
			s.addSSOSession(name, s.config, sec)
			continue
		}
		name, ok := configProfileName(sec)
		if !ok || (sec == "default" && hasProfileDefault) {
			continue
		}
		p := s.profile(name)
		p.InConfig, p.configSection = true, sec
	}
}

func (s *Set) addCredentials() {
	for _, sec := range s.credentials.order {
		if strings.HasPrefix(sec, "profile ") {
			continue // the SDKs ignore [profile x] in the credentials file
		}
		s.profile(sec).InCredentials = true
	}
}

// Paths returns the files the set was loaded from.
func (s *Set) Paths() Paths { return s.paths }

// Names lists every profile of both files, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.profiles))
	for n := range s.profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Has reports whether a profile is defined in either file.
func (s *Set) Has(name string) bool { return s.profiles[name] != nil }

// Profile returns the named profile, or *UnknownProfileError with the
// closest names.
func (s *Set) Profile(name string) (*Profile, error) {
	if p := s.profiles[name]; p != nil {
		return p, nil
	}
	return nil, &UnknownProfileError{Name: name, Suggestions: suggest(name, s.Names())}
}

// Get returns a setting; the credentials file wins for keys it holds.
// Keys are case-insensitive.
func (p *Profile) Get(key string) (Value, bool) {
	key = strings.ToLower(key)
	if p.InCredentials {
		if v, ok := p.set.credentials.value(CredentialsSection(p.Name), key); ok {
			v.File = p.set.paths.Credentials
			return v, true
		}
	}
	if p.InConfig {
		if v, ok := p.set.config.value(p.configSection, key); ok {
			v.File = p.set.paths.Config
			return v, true
		}
	}
	return Value{}, false
}

// Keys lists the profile's keys from both files, sorted.
func (p *Profile) Keys() []string {
	var keys []string
	if p.InConfig {
		keys = append(keys, p.set.config.Keys(p.configSection)...)
	}
	if p.InCredentials {
		keys = append(keys, p.set.credentials.Keys(CredentialsSection(p.Name))...)
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// HasStaticKey reports whether the files hold a plain-text key pair for the
// profile (aws_access_key_id and aws_secret_access_key, usually in the
// credentials file).
func (p *Profile) HasStaticKey() bool {
	id, okID := p.Get("aws_access_key_id")
	secret, okSecret := p.Get("aws_secret_access_key")
	return okID && okSecret && id.Text != "" && secret.Text != ""
}
