package profiles

import (
	"fmt"
	"strings"
)

// UnknownProfileError: no section in either file defines the profile.
// There is never a fallback to the default profile.
type UnknownProfileError struct {
	Name        string
	Suggestions []string // existing profiles with a close name, best first
	// Unread is a config section that the Go SDK would take for the
	// profile but the AWS CLI does not, such as [ profile NAME ]; empty
	// when there is none.
	Unread     string
	UnreadFile string
	UnreadLine int
}

// UnreadHint says why Unread is no profile, or "".
func (e *UnknownProfileError) UnreadHint() string {
	if e.Unread == "" {
		return ""
	}
	return fmt.Sprintf("%s line %d has [%s], which the AWS CLI does not read as profile %s (the Go SDK does); write [%s]",
		e.UnreadFile, e.UnreadLine, e.Unread, e.Name, ConfigSection(e.Name))
}

func (e *UnknownProfileError) Error() string {
	msg := fmt.Sprintf("profile %q is not defined in the AWS config or credentials file", e.Name)
	if h := e.UnreadHint(); h != "" {
		return msg + "; " + h
	}
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(quoteAll(e.Suggestions), " or ") + "?"
	} else {
		msg += "; add it with [profile " + e.Name + "] in the config file"
	}
	return msg
}

// CycleError: following source_profile comes back to a profile already on
// the way. Path names every hop in order and ends with the repeated one.
type CycleError struct {
	Path []string
}

func (e *CycleError) Error() string {
	return "source_profile cycle: " + strings.Join(e.Path, " -> ") +
		"; change source_profile in one of these profiles so the chain ends at a profile with a key"
}

// MissingSourceError: a profile's source_profile names no profile.
type MissingSourceError struct {
	Profile string
	Source  string
}

func (e *MissingSourceError) Error() string {
	return fmt.Sprintf("profile %q has source_profile = %s, but no profile %q exists; create it or fix source_profile",
		e.Profile, e.Source, e.Source)
}

// NoSourceError: a profile sets role_arn but gives nothing to assume the role
// with (no source_profile, credential_source or web_identity_token_file).
type NoSourceError struct {
	Profile string
	RoleARN string
}

func (e *NoSourceError) Error() string {
	return fmt.Sprintf("profile %q sets role_arn = %s but has no source_profile to assume it with; add source_profile = <the profile that holds the key>",
		e.Profile, e.RoleARN)
}

// ParseError: a malformed line. Line is 1-based.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	file := e.File
	if file == "" {
		file = "line"
	}
	return fmt.Sprintf("%s:%d: %s; fix or remove that line", file, e.Line, e.Msg)
}

// InvalidValueError: a key has a value awskeep cannot use, such as a
// duration_seconds that is not a positive whole number.
type InvalidValueError struct {
	Profile, Key, Value, File string
	Line                      int
	Msg                       string
}

func (e *InvalidValueError) Error() string {
	return fmt.Sprintf("profile %q: %s = %q (%s:%d) %s", e.Profile, e.Key, e.Value, e.File, e.Line, e.Msg)
}

// SectionNotFoundError: RenameSection was asked for a section the file does
// not have.
type SectionNotFoundError struct{ Section string }

func (e *SectionNotFoundError) Error() string {
	return fmt.Sprintf("no [%s] section in the file", e.Section)
}

// SectionExistsError: RenameSection's new name is already taken.
type SectionExistsError struct{ Section string }

func (e *SectionExistsError) Error() string {
	return fmt.Sprintf("section [%s] already exists; delete or rename it first", e.Section)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// InvalidNameError: a profile name the files cannot hold as a profile.
type InvalidNameError struct {
	Name string
	Msg  string
}

func (e *InvalidNameError) Error() string {
	return fmt.Sprintf("invalid profile name %q: %s; a profile name uses %s", e.Name, e.Msg, ProfileNameRule)
}
