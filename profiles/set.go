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

// configProfileName maps a config section to its profile as botocore does:
// "default" is the default profile, and a section that starts with
// "profile" and splits (by shell rules, quotes allowed) into two words is
// the profile named by the second word: "profile dev", "profile   dev",
// "profile\tdev", `profile "my dev"`. Any other section ("[ profile dev]",
// "[profile a b]", sso-session, services, ...) is no profile for the CLI.
func configProfileName(section string) (string, bool) {
	if section == "default" {
		return "default", true
	}
	if !strings.HasPrefix(section, "profile") {
		return "", false
	}
	words, ok := shlexSplit(section)
	if !ok || len(words) != 2 {
		return "", false
	}
	return words[1], true
}

// ssoSessionName maps a config section to the sso-session it defines, by
// the same rule as profiles: "sso-session NAME", two words.
func ssoSessionName(section string) (string, bool) {
	if !strings.HasPrefix(section, "sso-session") {
		return "", false
	}
	words, ok := shlexSplit(section)
	if !ok || len(words) != 2 {
		return "", false
	}
	return words[1], true
}

// ProfileSections lists the sections of a config file that the AWS CLI
// reads as profile name, in file order. When there are several (say
// [default] and [profile default], or [profile dev] and [profile  dev]),
// the CLI uses the last one alone.
func (d *Document) ProfileSections(name string) []string {
	var out []string
	for _, sec := range d.order {
		if n, ok := configProfileName(sec); ok && n == name {
			out = append(out, sec)
		}
	}
	return out
}

// ProfileSection is the section of a config file that edits of profile
// name go to: the one the AWS CLI reads, or ConfigSection(name) when the
// file has none.
func (d *Document) ProfileSection(name string) string {
	if secs := d.ProfileSections(name); len(secs) > 0 {
		return secs[len(secs)-1]
	}
	return ConfigSection(name)
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
	// A later section for the same profile replaces an earlier one as a
	// whole, as in botocore (whose profile map is filled in file order).
	for _, sec := range s.config.order {
		if name, ok := ssoSessionName(sec); ok {
			s.addSSOSession(name, s.config, sec)
			continue
		}
		if name, ok := configProfileName(sec); ok {
			p := s.profile(name)
			p.InConfig, p.configSection = true, sec
		}
	}
}

func (s *Set) addCredentials() {
	// botocore takes each section name of the credentials file, exactly,
	// as a profile name.
	for _, sec := range s.credentials.order {
		if sec != defaultSection {
			s.profile(sec).InCredentials = true
		}
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
	e := &UnknownProfileError{Name: name, Suggestions: suggest(name, s.Names())}
	for _, sec := range s.config.order {
		goSec, _ := goHeader("[" + sec + "]")
		if n, ok := goConfigProfile(goSec); ok && n == name {
			e.Unread, e.UnreadFile, e.UnreadLine = sec, s.paths.Config, s.config.sections[sec].headers[0]+1
		}
	}
	return nil, e
}

// Get returns a setting; the credentials file wins for keys it holds.
// Keys are case-insensitive. A key a section lacks is taken from the
// file's [DEFAULT] section, as botocore does.
func (p *Profile) Get(key string) (Value, bool) {
	key = strings.ToLower(key)
	if p.InCredentials {
		if v, ok := p.set.credentials.inherited(p.Name, key); ok {
			v.File = p.set.paths.Credentials
			return v, true
		}
	}
	if p.InConfig {
		if v, ok := p.set.config.inherited(p.configSection, key); ok {
			v.File = p.set.paths.Config
			return v, true
		}
	}
	return Value{}, false
}

// inherited is value, falling back to the [DEFAULT] section.
func (d *Document) inherited(section, key string) (Value, bool) {
	if v, ok := d.value(section, key); ok {
		return v, true
	}
	return d.value(defaultSection, key)
}

// Keys lists the profile's keys from both files, sorted.
func (p *Profile) Keys() []string {
	var keys []string
	if p.InConfig {
		keys = append(keys, p.set.config.Keys(p.configSection)...)
		keys = append(keys, p.set.config.Keys(defaultSection)...)
	}
	if p.InCredentials {
		keys = append(keys, p.set.credentials.Keys(p.Name)...)
		keys = append(keys, p.set.credentials.Keys(defaultSection)...)
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
