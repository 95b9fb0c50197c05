package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

const apikeyUsage = `Usage:
  emnkg apikey create --role <role> --name <name> [flags]
  emnkg apikey list [flags]
  emnkg apikey revoke <id> [flags]

Manages the API keys that authenticate callers of the GraphQL API
("Authorization: Bearer <secret>"). create prints the new key's secret once;
only its hash is stored. list shows every key without secrets. revoke stops a
key from working. Flags may come before or after the command.

Flags:
`

// apikeyMain runs 'emnkg apikey' for realMain: it registers the store and
// logging flags and the --role and --name flags on fs, parses args with
// flags and arguments in any order, and runs apikeyCmd.
func apikeyMain(ctx context.Context, fs *flag.FlagSet, getenv func(string) string, args []string, stdout, stderr io.Writer) error {
	cfg, err := app.BindFlags(fs, getenv, true)
	if err != nil {
		return err
	}
	fs.String("role", "", "role of the new key: researcher, editor or admin (create only; no environment variable)")
	fs.String("name", "", "name of the new key, such as its owner (create only; no environment variable)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), apikeyUsage)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	logger, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	// Hand the command and its own flags to apikeyCmd, without the store
	// flags that cfg now holds.
	var cmdArgs []string
	if len(positional) > 0 {
		cmdArgs = append(cmdArgs, positional[0])
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "role" || f.Name == "name" {
			cmdArgs = append(cmdArgs, "--"+f.Name+"="+f.Value.String())
		}
	})
	if len(positional) > 1 {
		cmdArgs = append(append(cmdArgs, "--"), positional[1:]...)
	}
	return apikeyCmd(ctx, cfg, logger, cmdArgs, stdout)
}

// parseInterspersed parses the flags of args with fs, wherever they are,
// and returns the other arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// apikeyCmd runs an API key command of args: "create --role <role> --name
// <name>", "list" or "revoke <id>", on the store cfg names. The secret of
// a new key is printed once on stdout; nothing else ever shows secrets or
// their hashes.
func apikeyCmd(ctx context.Context, cfg *app.Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("missing apikey command (create, list or revoke); see emnkg apikey --help")
	}
	sub := args[0]
	fs := flag.NewFlagSet("emnkg apikey "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", "", "")
	name := fs.String("name", "", "")
	positional, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return fmt.Errorf("%w; see emnkg apikey --help", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	now := time.Now()

	var run func(context.Context, emnkg.Editor) error
	switch sub {
	case "create":
		if len(positional) > 0 {
			return fmt.Errorf("unexpected arguments: %s", strings.Join(positional, " "))
		}
		if !given["role"] || !given["name"] {
			return errors.New("apikey create needs --role (researcher, editor or admin) and --name")
		}
		secret, key, err := auth.NewAPIKey(*name, emnkg.Role(*role), now)
		if err != nil {
			return err
		}
		run = func(ctx context.Context, ed emnkg.Editor) error {
			if err := ed.CreateAPIKey(ctx, key); err != nil {
				return err
			}
			logger.InfoContext(ctx, "API key created", "id", key.ID, "name", key.Name, "role", key.Role)
			return printNewKey(stdout, secret, key)
		}
	case "list":
		if err := noExtras(positional, given); err != nil {
			return err
		}
		run = func(ctx context.Context, ed emnkg.Editor) error {
			keys, err := ed.APIKeys(ctx)
			if err != nil {
				return err
			}
			return printKeys(stdout, keys)
		}
	case "revoke":
		if len(positional) != 1 {
			return errors.New("apikey revoke needs exactly one key ID; see emnkg apikey list")
		}
		if err := noExtras(nil, given); err != nil {
			return err
		}
		id := positional[0]
		run = func(ctx context.Context, ed emnkg.Editor) error {
			return revokeKey(ctx, ed, id, now, logger, stdout)
		}
	default:
		return fmt.Errorf("unknown apikey command %q (want create, list or revoke); see emnkg apikey --help", sub)
	}

	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	ed, ok := store.(emnkg.Editor)
	if !ok {
		return fmt.Errorf("the store (%s) cannot manage API keys yet: it does not implement editing", app.StoreName(cfg))
	}
	return run(ctx, ed)
}

// noExtras rejects arguments and --role or --name, which only create
// takes.
func noExtras(positional []string, given map[string]bool) error {
	if len(positional) > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(positional, " "))
	}
	if given["role"] || given["name"] {
		return errors.New("--role and --name only apply to apikey create")
	}
	return nil
}

func printNewKey(w io.Writer, secret string, k emnkg.APIKey) error {
	_, err := fmt.Fprintf(w, `ID      %s
Name    %s
Role    %s
Secret  %s

The secret is shown only this once; store it safely now. Callers send it as
"Authorization: Bearer <secret>". Revoke it with: emnkg apikey revoke %s
`, k.ID, printable(k.Name), k.Role, secret, k.ID)
	return err
}

func printKeys(w io.Writer, keys []emnkg.APIKey) error {
	if len(keys) == 0 {
		_, err := fmt.Fprintln(w, "No API keys.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tREVOKED")
	for _, k := range keys {
		revoked := "-"
		if k.RevokedAt != nil {
			revoked = k.RevokedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", printable(k.ID), printable(k.Name), printable(string(k.Role)),
			k.CreatedAt.UTC().Format(time.RFC3339), revoked)
	}
	return tw.Flush()
}

func revokeKey(ctx context.Context, ed emnkg.Editor, id string, now time.Time, logger *slog.Logger, w io.Writer) error {
	keys, err := ed.APIKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID != id {
			continue
		}
		if k.RevokedAt != nil {
			_, err := fmt.Fprintf(w, "API key %s (%s) was already revoked at %s.\n",
				k.ID, printable(k.Name), k.RevokedAt.UTC().Format(time.RFC3339))
			return err
		}
		if err := ed.RevokeAPIKey(ctx, id, now); err != nil {
			return err
		}
		logger.InfoContext(ctx, "API key revoked", "id", k.ID, "name", k.Name)
		_, err := fmt.Fprintf(w, "API key %s (%s) is revoked.\n", k.ID, printable(k.Name))
		return err
	}
	return emnkg.Errorf(emnkg.ENOTFOUND, "No API key has the ID %q; see emnkg apikey list.", id)
}

// printable replaces control characters, so that a stored name cannot
// upset the terminal or the table.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
