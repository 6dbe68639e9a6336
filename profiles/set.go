package profiles

import (
	"errors"
	"io"
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
//
// It keeps no table of profiles: a config can hold tens of thousands and a
// command asks for one or two, so a profile is looked up in the documents'
// section index when asked for (see configSection).
type Set struct {
	paths       Paths
	config      *Document
	credentials *Document
	// spelled holds the config sections that the AWS CLI reads as a profile
	// under another spelling than "profile NAME" ("profile  dev",
	// `profile "dev"`), by profile, in file order.
	spelled map[string][]string
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
	s := &Set{paths: p}
	var err error
	if s.config, err = readDocument(p.Config); err != nil {
		return nil, err
	}
	if s.credentials, err = readDocument(p.Credentials); err != nil {
		return nil, err
	}
	s.addConfig()
	return s, nil
}

// readDocument parses the file at path; a missing file (or no path) is empty.
func readDocument(path string) (*Document, error) {
	if path == "" {
		return ParseDocument(nil)
	}
	text, err := readText(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ParseDocument(nil)
	}
	if err != nil {
		return nil, err
	}
	d, err := parseText(text)
	var perr *ParseError
	if errors.As(err, &perr) {
		perr.File = path
	}
	return d, err
}

// readText reads the file at path into a string without a second copy of
// it (os.ReadFile and a conversion would hold two: for a 10 MB config, time
// spent taking fresh memory from the system).
func readText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < maxSize {
		b.Grow(int(fi.Size()))
	}
	if _, err := io.Copy(&b, f); err != nil {
		return "", err
	}
	return b.String(), nil
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
	if name, ok := plainProfileName(section); ok {
		return name, true
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

// plainProfileName reads "profile NAME" where NAME is one word with nothing
// that shell rules change (no blank, quote or backslash), as almost every
// section is: configProfileName without splitting or allocating.
func plainProfileName(section string) (string, bool) {
	name, ok := strings.CutPrefix(section, "profile ")
	if !ok || name == "" || strings.ContainsAny(name, " \t\r\n'\"\\") {
		return "", false
	}
	return name, true
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
	for sec := range d.sectionNames() {
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

// addConfig records the sso-sessions and the profile sections spelled
// otherwise than "profile NAME"; everything else is looked up when asked.
func (s *Set) addConfig() {
	for sec := range s.config.sectionNames() {
		if name, ok := ssoSessionName(sec); ok {
			s.addSSOSession(name, s.config, sec)
			continue
		}
		if _, plain := plainProfileName(sec); plain || !strings.HasPrefix(sec, "profile") {
			continue
		}
		if name, ok := configProfileName(sec); ok {
			if s.spelled == nil {
				s.spelled = map[string][]string{}
			}
			s.spelled[name] = append(s.spelled[name], sec)
		}
	}
}

// configSection returns the config section of profile name: of those the
// AWS CLI reads as that profile, the last in the file, as in botocore
// (whose profile map is filled in file order, a later section replacing an
// earlier one as a whole).
func (s *Set) configSection(name string) (string, bool) {
	candidates := s.spelled[name]
	if name == "default" {
		candidates = append(slices.Clip(candidates), "default")
	}
	if sec := "profile " + name; !slices.Contains(candidates, sec) {
		if n, ok := plainProfileName(sec); ok && n == name {
			candidates = append(slices.Clip(candidates), sec)
		}
	}
	best, line := "", 0
	for _, sec := range candidates {
		if l := s.config.headerLine(sec); l > line {
			best, line = sec, l
		}
	}
	return best, line > 0
}

// lookup returns the named profile, or nil when neither file defines it.
func (s *Set) lookup(name string) *Profile {
	p := &Profile{Name: name, set: s}
	p.configSection, p.InConfig = s.configSection(name)
	// botocore takes each section name of the credentials file, exactly,
	// as a profile name.
	p.InCredentials = name != defaultSection && s.credentials.HasSection(name)
	if !p.InConfig && !p.InCredentials {
		return nil
	}
	return p
}

// Paths returns the files the set was loaded from.
func (s *Set) Paths() Paths { return s.paths }

// Names lists every profile of both files, sorted.
func (s *Set) Names() []string {
	names := []string{}
	for sec := range s.config.sectionNames() {
		if name, ok := configProfileName(sec); ok {
			names = append(names, name)
		}
	}
	for sec := range s.credentials.sectionNames() {
		if sec != defaultSection {
			names = append(names, sec)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Has reports whether a profile is defined in either file.
func (s *Set) Has(name string) bool { return s.lookup(name) != nil }

// Profile returns the named profile, or *UnknownProfileError with the
// closest names.
func (s *Set) Profile(name string) (*Profile, error) {
	if p := s.lookup(name); p != nil {
		return p, nil
	}
	e := &UnknownProfileError{Name: name, Suggestions: suggest(name, s.Names())}
	for sec := range s.config.sectionNames() {
		goSec, _ := goHeader("[" + sec + "]")
		if n, ok := goConfigProfile(goSec); ok && n == name {
			e.Unread, e.UnreadFile, e.UnreadLine = sec, s.paths.Config, s.config.headerLine(sec)
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
