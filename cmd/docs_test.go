package cmd

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// walk calls visit for c and every command below it.
func walk(c *cobra.Command, visit func(*cobra.Command)) {
	visit(c)
	for _, sub := range c.Commands() {
		walk(sub, visit)
	}
}

// isCobraHelp is cobra's own `help` command: it takes no examples and is
// left out of the generated reference.
func isCobraHelp(c *cobra.Command) bool {
	return c.Name() == "help" && c.HasParent() && !c.IsAvailableCommand()
}

// TestEveryCommandIsDescribed: every command's --help (and its page in
// docs/cli and docs/man) has a summary, a description and examples.
func TestEveryCommandIsDescribed(t *testing.T) {
	root := NewRootForDocs()
	root.InitDefaultHelpCmd()
	seen := 0
	walk(root, func(c *cobra.Command) {
		if isCobraHelp(c) {
			return
		}
		seen++
		path := c.CommandPath()
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("%s: no Short description", path)
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s: no Example", path)
		}
		if c.Example != "" && !strings.Contains(c.Example, c.Name()) {
			t.Errorf("%s: the examples never use %s", path, c.Name())
		}
	})
	// root, the commands of the contract and the completion shells at least.
	if seen < 20 {
		t.Errorf("walked %d commands; the tree looks incomplete", seen)
	}
}

// TestDocsTreeIsTheBinarysTree: the generated reference describes the
// commands the binary runs, no more and no fewer.
func TestDocsTreeIsTheBinarysTree(t *testing.T) {
	paths := func(root *cobra.Command) []string {
		var out []string
		walk(root, func(c *cobra.Command) {
			if c.IsAvailableCommand() || !c.HasParent() {
				out = append(out, c.CommandPath())
			}
		})
		slices.Sort(out)
		return out
	}
	binary := newRootCmd(newTestEnv(t).f)
	binary.InitDefaultCompletionCmd() // cobra adds it when executing
	docs := NewRootForDocs()
	if got, want := paths(docs), paths(binary); !slices.Equal(got, want) {
		t.Errorf("docs tree:\n%v\nbinary tree:\n%v", got, want)
	}
	for _, want := range []string{"awskeep completion bash", "awskeep profile import", "awskeep exec"} {
		if !slices.Contains(paths(docs), want) {
			t.Errorf("docs tree lacks %q", want)
		}
	}
	if !docs.DisableAutoGenTag {
		t.Error("DisableAutoGenTag is off: generated pages would carry today's date")
	}
}

// TestDescribeCompletionCmdKeepsExamples: examples the command already has
// win, and a second call changes nothing.
func TestDescribeCompletionCmdKeepsExamples(t *testing.T) {
	root := newRootCmd(newTestEnv(t).f)
	root.InitDefaultCompletionCmd()
	completion, _, err := root.Find([]string{"completion", "zsh"})
	if err != nil {
		t.Fatal(err)
	}
	completion.Example = "  awskeep completion zsh > _awskeep"
	describeCompletionCmd(root)
	describeCompletionCmd(root)
	if completion.Example != "  awskeep completion zsh > _awskeep" {
		t.Errorf("existing example replaced: %q", completion.Example)
	}
	bash, _, _ := root.Find([]string{"completion", "bash"})
	if bash.Example != completionExamples["bash"] {
		t.Errorf("bash example = %q", bash.Example)
	}
	n := 0
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d completion commands after two calls", n)
	}
}
