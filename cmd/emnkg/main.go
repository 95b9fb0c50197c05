// Command emnkg serves the EMN knowledge graph over GraphQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/server"
)

const usage = `emnkg serves the European Migration Network knowledge graph as a GraphQL API.

Usage:
  emnkg <command> [flags]

Commands:
  serve     start the HTTP server (GraphQL at /graphql, GraphiQL at /);
            an empty store is first loaded with the factual EMN dataset
  migrate   create the store's constraints and indexes, then exit
  seed      load or reload the factual EMN dataset (idempotent), then exit
  generate  import a synthetic test graph (emnkg generate --nodes N --seed S)
  apikey    create, list or revoke API keys (emnkg apikey --help)
  config    print the effective configuration (flags > environment > --config file > defaults), secrets redacted

Run 'emnkg <command> --help' for the flags of a command; every flag has an
environment variable, shown in its help. Flags win over the environment,
which wins over the --config file.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "emnkg: %s\n", describe(err))
		os.Exit(1)
	}
}

// describe returns one clear line for err.
func describe(err error) string {
	var e *emnkg.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// realMain runs one command; it is main without the process around it.
func realMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errors.New("no command given; see emnkg --help")
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet("emnkg "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var run func(context.Context, *app.Config, *slog.Logger) error
	storeOnly := true
	switch cmd {
	case "serve":
		storeOnly = false
		run = serve
	case "migrate":
		run = migrate
	case "seed":
		run = seedCmd
	case "generate":
		run = generateCmd(fs, stdout)
	case "apikey":
		return apikeyMain(ctx, fs, getenv, rest, stdout, stderr)
	case "config":
		storeOnly = false
		run = configCmd(stdout)
	default:
		return fmt.Errorf("unknown command %q; see emnkg --help", cmd)
	}
	cfg, err := app.BindFlags(fs, getenv, storeOnly)
	if err != nil {
		return err
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emnkg %s [flags]\n\nFlags:\n", cmd)
		fs.PrintDefaults()
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	logger, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	return run(ctx, cfg, logger)
}

func newLogger(cfg *app.Config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if cfg.LogLevel != "" {
		if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
			return nil, fmt.Errorf("invalid log level %q", cfg.LogLevel)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch cfg.LogFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid log format %q (want text or json)", cfg.LogFormat)
}

func serve(ctx context.Context, cfg *app.Config, logger *slog.Logger) error {
	store, err := app.OpenStoreWithLogger(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := app.SeedIfEmpty(ctx, store, logger); err != nil {
		return err
	}
	authn, err := app.NewAuthenticator(ctx, cfg, store)
	if err != nil {
		return err
	}
	limits := graph.DefaultLimits()
	limits.MaxDepth, limits.MaxAliases, limits.MaxRootFields = cfg.MaxQueryDepth, cfg.MaxQueryAliases, cfg.MaxQueryRootFields
	limits.MaxDirectives, limits.MaxTokens, limits.MaxCost = cfg.MaxQueryDirectives, cfg.MaxQueryTokens, cfg.MaxQueryCost
	limits.MaxFieldRepeats = cfg.MaxQueryFieldRepeats
	srv, err := server.New(server.Config{
		Addr: cfg.Addr, CORSOrigins: cfg.CORSOrigins, CORSCredentials: cfg.CORSCredentials,
		Introspection: cfg.Introspection && !cfg.Production, RequestTimeout: cfg.RequestTimeout, ShutdownTimeout: cfg.ShutdownTimeout,
		MaxBodyBytes: int64(cfg.MaxBodyBytes), Limits: &limits, Production: cfg.Production,
		RequireGETPreflight: cfg.RequireGETPreflight, Metrics: cfg.Metrics, MetricsAddr: cfg.MetricsAddr,
		HandlerOptions: graph.HandlerOptions{Authenticator: authn, ReadsNeedAuth: cfg.ReadsNeedAuth,
			WebsocketOrigins: websocketOrigins(cfg.CORSOrigins)},
		ConfigureResolver: func(r *graph.Resolver) { r.CypherEnabled = cfg.EnableCypher },
	}, store, logger)
	if err != nil {
		return err
	}
	return srv.ListenAndServe(ctx, func(addr string) {
		logger.Info("emnkg is serving", "graphql", "http://"+addr+"/graphql", "graphiql", "http://"+addr+"/",
			"store", app.StoreName(cfg))
	})
}

func migrate(ctx context.Context, cfg *app.Config, logger *slog.Logger) error {
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	logger.Info("store migrated", "store", app.StoreName(cfg))
	return nil
}

func seedCmd(ctx context.Context, cfg *app.Config, logger *slog.Logger) error {
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := app.LoadSeed(ctx, store)
	if err != nil {
		return err
	}
	logger.Info("factual EMN dataset loaded", "store", app.StoreName(cfg),
		"nodesCreated", res.NodesCreated, "nodesUpdated", res.NodesUpdated, "nodesUnchanged", res.NodesUnchanged,
		"relationshipsCreated", res.EdgesCreated, "relationshipsUpdated", res.EdgesUpdated,
		"relationshipsUnchanged", res.EdgesUnchanged)
	return nil
}

// websocketOrigins turns CORS origins into the host patterns websocket
// upgrades accept from other origins: the local development default when
// none are configured.
func websocketOrigins(corsOrigins []string) []string {
	if len(corsOrigins) == 0 {
		return []string{"localhost:*", "127.0.0.1:*"}
	}
	var out []string
	for _, o := range corsOrigins {
		if o == "*" {
			return []string{"*"}
		}
		if _, host, ok := strings.Cut(o, "://"); ok {
			out = append(out, host)
		}
	}
	return out
}
