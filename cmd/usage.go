package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// guardCommandGroups makes a mistyped subcommand a usage error (exit 2) with
// a suggestion under every group (profile, sso, completion) and help, as
// cobra does for the root alone: it shows a group's help and exits 0 for
// "awskeep profile imprt", "awskeep completion tcsh" and "awskeep help
// nonexistent". Call it once the tree is complete.
func guardCommandGroups(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasParent() && c.HasSubCommands() && c.Run == nil && c.RunE == nil {
			c.Args = cobra.ArbitraryArgs
			c.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return nil, cobra.ShellCompDirectiveNoFileComp // cobra adds the subcommands
			}
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					return c.Help()
				}
				return unknownCommandError(c, args[0])
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]...",
		Short: "Help about any command",
		Long:  "Help shows the help of any command: awskeep help profile set.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			target, _, err := c.Root().Find(args)
			if err != nil || target == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil {
				return unknownCommandError(c.Root(), args[0])
			}
			if len(rest) > 0 {
				return unknownCommandError(target, rest[0])
			}
			return target.Help()
		},
	})
}

// unknownCommandError is a usage error for a name that is no subcommand of
// parent, suggesting the closest ones.
func unknownCommandError(parent *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, parent.CommandPath())
	if parent.SuggestionsMinimumDistance <= 0 {
		parent.SuggestionsMinimumDistance = 2
	}
	if s := parent.SuggestionsFor(name); len(s) > 0 {
		for i := range s {
			s[i] = "'" + parent.CommandPath() + " " + s[i] + "'"
		}
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageErrorf(parent, "%s", msg)
}
