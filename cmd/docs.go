package cmd

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

// errDocsOnly is what every dependency of the documentation tree returns:
// building and describing commands must never reach a file or a keyring.
var errDocsOnly = errors.New("this command tree is for generating documentation only")

// NewRootForDocs builds awskeep's command tree for the documentation
// generator (internal/gendocs). Its factory reads no environment, home
// directory, terminal or keyring, so the generated pages are the same on
// every machine; DisableAutoGenTag keeps dates out of them.
func NewRootForDocs() *cobra.Command {
	f := &factory{
		IO: &ioStreams{
			In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard,
			stdinIsTerminal: func() bool { return false },
			openTTY:         func() (io.ReadWriteCloser, error) { return nil, errDocsOnly },
		},
		Getenv:    func(string) string { return "" },
		HomeDir:   func() (string, error) { return "", errDocsOnly },
		Now:       func() time.Time { return time.Time{} },
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		openVault: func(vault.Config) (*vault.Store, error) { return nil, errDocsOnly },
	}
	root := newRootCmd(f)
	root.DisableAutoGenTag = true
	describeCompletionCmd(root)
	return root
}

// completionExamples are the examples of cobra's completion command and of
// its one-shell subcommands, which cobra creates without any.
var completionExamples = map[string]string{
	"completion": `  awskeep completion bash > ~/.local/share/bash-completion/completions/awskeep
  awskeep completion zsh > "${fpath[1]}/_awskeep"
  awskeep completion fish > ~/.config/fish/completions/awskeep.fish
  awskeep completion powershell >> $PROFILE`,
	"bash": `  source <(awskeep completion bash)                                   # this shell only
  awskeep completion bash > ~/.local/share/bash-completion/completions/awskeep`,
	"zsh": `  echo "autoload -U compinit; compinit" >> ~/.zshrc                    # once, if not done yet
  awskeep completion zsh > "${fpath[1]}/_awskeep"`,
	"fish": `  awskeep completion fish | source                                     # this shell only
  awskeep completion fish > ~/.config/fish/completions/awskeep.fish`,
	"powershell": `  awskeep completion powershell | Out-String | Invoke-Expression       # this session only
  awskeep completion powershell >> $PROFILE`,
}

// describeCompletionCmd adds cobra's default completion command to root now
// (cobra otherwise adds it only when executing) and gives it and its
// subcommands examples where they have none. Calling it twice is harmless.
func describeCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		setExampleIfMissing(c, completionExamples["completion"])
		for _, shell := range c.Commands() {
			setExampleIfMissing(shell, completionExamples[shell.Name()])
		}
	}
}

func setExampleIfMissing(c *cobra.Command, example string) {
	if c.Example == "" {
		c.Example = example
	}
}
