package cmd

import "github.com/spf13/cobra"

// hintContext is what the renderer knows of the command that prints an
// error, so that every hint applies to it: a hint names a flag of "this
// command" only when the command has it, and a profile by its name. The
// zero value is an unknown command: its hints name no flag of their own.
type hintContext struct {
	cmd *cobra.Command
	// profile is the profile the command acted on, for errors that do not
	// say whose they are; empty when unknown.
	profile string
}

func hintsFor(c *cobra.Command) hintContext { return hintContext{cmd: c} }

// has reports whether the printing command has the flag (its own or one
// it inherits, such as --backend).
func (h hintContext) has(flag string) bool {
	return h.cmd != nil && h.cmd.Flag(flag) != nil
}

// is reports whether the printing command is "awskeep " + path.
func (h hintContext) is(path string) bool {
	return h.cmd != nil && h.cmd.CommandPath() == "awskeep "+path
}

// forProfile is h for an error about profile.
func (h hintContext) forProfile(profile string) hintContext {
	h.profile = profile
	return h
}

// whose is profile, or the one the command acted on.
func (h hintContext) whose(profile string) string {
	if profile != "" {
		return profile
	}
	return h.profile
}

// freshSession says how to get past a cached session AWS refused: the command's
// own --refresh, else dropping the profile's cached sessions.
func (h hintContext) freshSession(profile string) string {
	clear := "'awskeep clear'"
	if p := h.whose(profile); p != "" {
		clear = "'awskeep clear " + argQuote(p) + "'"
	}
	if h.has("refresh") {
		return "Run the command again with --refresh for a new session, or drop the cached sessions with " + clear + "."
	}
	return "Drop the cached sessions with " + clear + " and run the command again: the next one starts a new session."
}

// sameCommandFor is the printing command run for profile instead, when it
// is one that hands out credentials, else 'awskeep exec profile'.
func (h hintContext) sameCommandFor(profile string) string {
	for _, path := range []string{"exec", "export", "credential-process", "login"} {
		if h.is(path) {
			return "awskeep " + path + " " + argQuote(profile)
		}
	}
	return "awskeep exec " + argQuote(profile)
}
