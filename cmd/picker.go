package cmd

import (
	"context"
	"errors"
	"io"

	"charm.land/huh/v2"
)

// pickerCanceledError: the user left the picker without choosing.
type pickerCanceledError struct{}

func (*pickerCanceledError) Error() string { return "no profile chosen" }

// pickProfileOnTerminal draws a filterable list of profiles on the
// controlling terminal (never on stdout, which may belong to eval or a pipe):
// typing filters, the arrow keys move, Enter chooses, Esc clears the filter
// and Ctrl-C gives up.
func pickProfileOnTerminal(openTTY func() (io.ReadWriteCloser, error)) func(context.Context, []string) (string, error) {
	return func(ctx context.Context, names []string) (string, error) {
		tty, err := openTTY()
		if err != nil {
			return "", errNoTerminal
		}
		defer tty.Close()
		var chosen string
		options := make([]huh.Option[string], len(names))
		for i, n := range names {
			options[i] = huh.NewOption(printable(n), n) // names come from the files
		}
		sel := huh.NewSelect[string]().
			Title("Profile").
			Description("type to filter, ↑/↓ to move, Enter to choose").
			Options(options...).
			Filtering(true).
			Height(min(len(names)+2, 15)).
			Value(&chosen)
		form := huh.NewForm(huh.NewGroup(sel)).
			WithInput(tty).
			WithOutput(tty).
			WithShowHelp(false)
		if err := form.RunWithContext(ctx); err != nil {
			if errors.Is(err, huh.ErrUserAborted) {
				return "", &pickerCanceledError{}
			}
			return "", err
		}
		return chosen, nil
	}
}
