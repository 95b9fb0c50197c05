package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/emnkg/emnkg/internal/app"
)

// configCmd returns the run function of 'emnkg config', which takes the
// flags of serve: it prints every setting's effective value and where it
// came from (flag, env, file or default), secrets redacted, and opens
// nothing.
func configCmd(stdout io.Writer) func(context.Context, *app.Config, *slog.Logger) error {
	return func(_ context.Context, cfg *app.Config, _ *slog.Logger) error {
		settings := cfg.Effective()
		fmt.Fprintf(stdout, "# Effective configuration of emnkg serve (precedence: %s); secrets are redacted.\n", app.Precedence)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
		for _, s := range settings {
			value := printable(s.Value)
			if value == "" {
				value = `""`
			}
			source := string(s.Source)
			switch s.Source {
			case app.SourceFlag:
				source += " --" + s.Name
			case app.SourceEnv:
				source += " " + s.Env
			case app.SourceFile:
				source += " " + printable(cfg.ConfigFile)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, value, source)
		}
		return tw.Flush()
	}
}
