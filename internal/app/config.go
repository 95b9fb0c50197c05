// Package app wires emnkg together: configuration from flags and
// environment, opening the configured store, and loading the factual seed.
package app

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is emnkg's configuration. Every field has a default, an
// environment variable and a flag; flags win over the environment, which
// wins over the default.
type Config struct {
	Addr            string
	DataDir         string
	Neo4jURI        string
	Neo4jUser       string
	Neo4jPassword   string
	Neo4jDatabase   string
	CORSOrigins     []string
	CORSCredentials bool
	Introspection   bool
	LogFormat       string
	LogLevel        string
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration

	// Authentication and authorisation.
	JWTSecret     string
	JWKSFile      string
	JWKSURL       string
	JWTIssuer     string
	JWTAudience   string
	JWTRoleClaim  string
	ReadsNeedAuth bool
	EnableCypher  bool

	// Request limits and operations.
	MaxQueryDepth       int
	MaxQueryAliases     int
	MaxQueryRootFields  int
	MaxQueryDirectives  int
	MaxQueryTokens      int
	MaxQueryCost        int
	MaxBodyBytes        int
	Production          bool
	RequireGETPreflight bool
	Metrics             bool
	MetricsAddr         string
}

// setting describes one configuration entry.
type setting struct {
	flag, env, usage string
	common           bool // shared by every command (store and logging flags)
	bind             binder
	def              string
}

// binder registers one flag on fs with default def, filling c; it fails
// when def (taken from the environment) does not parse.
type binder func(fs *flag.FlagSet, c *Config, name, def, usage string) error

func str(get func(*Config) *string) binder {
	return func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
		fs.StringVar(get(c), name, def, usage)
		return nil
	}
}

func settings() []setting {
	return []setting{
		{flag: "addr", env: "EMNKG_ADDR", def: "127.0.0.1:8080", usage: "address the HTTP server listens on",
			bind: str(func(c *Config) *string { return &c.Addr })},
		{flag: "data", env: "EMNKG_DATA", def: "./data", common: true,
			usage: "directory of the embedded store (used when no Neo4j URI is set)",
			bind:  str(func(c *Config) *string { return &c.DataDir })},
		{flag: "neo4j-uri", env: "NEO4J_URI", common: true,
			usage: "Neo4j URI (bolt://host:7687 or neo4j://host:7687 for cluster routing); empty uses the embedded store",
			bind:  str(func(c *Config) *string { return &c.Neo4jURI })},
		{flag: "neo4j-user", env: "NEO4J_USER", def: "neo4j", common: true, usage: "Neo4j user name",
			bind: str(func(c *Config) *string { return &c.Neo4jUser })},
		{flag: "neo4j-password", env: "NEO4J_PASSWORD", common: true, usage: "Neo4j password (prefer the environment variable)",
			bind: str(func(c *Config) *string { return &c.Neo4jPassword })},
		{flag: "neo4j-database", env: "NEO4J_DATABASE", common: true, usage: "Neo4j database name; empty uses the server's default database",
			bind: str(func(c *Config) *string { return &c.Neo4jDatabase })},
		{flag: "cors-origins", env: "EMNKG_CORS_ORIGINS",
			usage: "comma-separated origins allowed to call the API from browsers; empty allows only http://localhost:* and http://127.0.0.1:*; * allows any (never with credentials)",
			bind: func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
				c.CORSOrigins = splitList(def)
				fs.Func(name, usage, func(v string) error {
					c.CORSOrigins = splitList(v)
					return nil
				})
				return nil
			}},
		{flag: "cors-credentials", env: "EMNKG_CORS_CREDENTIALS", def: "false",
			usage: "allow credentialed cross-origin requests (not allowed with the * origin)",
			bind:  boolean(func(c *Config) *bool { return &c.CORSCredentials })},
		{flag: "introspection", env: "EMNKG_INTROSPECTION", def: "true",
			usage: "serve schema introspection and GraphiQL at /",
			bind:  boolean(func(c *Config) *bool { return &c.Introspection })},
		{flag: "log-format", env: "EMNKG_LOG_FORMAT", def: "text", common: true, usage: "log format: text or json",
			bind: str(func(c *Config) *string { return &c.LogFormat })},
		{flag: "log-level", env: "EMNKG_LOG_LEVEL", def: "info", common: true, usage: "log level: debug, info, warn or error",
			bind: str(func(c *Config) *string { return &c.LogLevel })},
		{flag: "request-timeout", env: "EMNKG_REQUEST_TIMEOUT", def: "30s", usage: "time limit of one GraphQL request",
			bind: duration(func(c *Config) *time.Duration { return &c.RequestTimeout })},
		{flag: "jwt-secret", env: "EMNKG_JWT_SECRET", usage: "secret of HS256-signed bearer JWTs (prefer the environment variable)",
			bind: str(func(c *Config) *string { return &c.JWTSecret })},
		{flag: "jwks-file", env: "EMNKG_JWKS_FILE", usage: "JWKS file with the public keys of RS256/ES256-signed JWTs",
			bind: str(func(c *Config) *string { return &c.JWKSFile })},
		{flag: "jwks-url", env: "EMNKG_JWKS_URL", usage: "JWKS URL with the public keys of RS256/ES256-signed JWTs",
			bind: str(func(c *Config) *string { return &c.JWKSURL })},
		{flag: "jwt-issuer", env: "EMNKG_JWT_ISSUER", usage: "required iss claim of JWTs (empty: not checked)",
			bind: str(func(c *Config) *string { return &c.JWTIssuer })},
		{flag: "jwt-audience", env: "EMNKG_JWT_AUDIENCE", usage: "required aud claim of JWTs (empty: not checked)",
			bind: str(func(c *Config) *string { return &c.JWTAudience })},
		{flag: "jwt-role-claim", env: "EMNKG_JWT_ROLE_CLAIM", def: "role", usage: "JWT claim holding the caller's role (researcher, editor or admin)",
			bind: str(func(c *Config) *string { return &c.JWTRoleClaim })},
		{flag: "reads-need-auth", env: "EMNKG_READS_NEED_AUTH", def: "false", usage: "require a bearer token for every request, reads included",
			bind: boolean(func(c *Config) *bool { return &c.ReadsNeedAuth })},
		{flag: "cypher", env: "EMNKG_CYPHER", def: "false", usage: "allow researchers and admins to run read-only Cypher (Neo4j store only)",
			bind: boolean(func(c *Config) *bool { return &c.EnableCypher })},
		{flag: "max-query-depth", env: "EMNKG_MAX_QUERY_DEPTH", def: "10", usage: "deepest field nesting of a GraphQL query (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryDepth })},
		{flag: "max-query-aliases", env: "EMNKG_MAX_QUERY_ALIASES", def: "15", usage: "most aliases in a GraphQL query (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryAliases })},
		{flag: "max-query-root-fields", env: "EMNKG_MAX_QUERY_ROOT_FIELDS", def: "10", usage: "most root fields in a GraphQL operation (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryRootFields })},
		{flag: "max-query-directives", env: "EMNKG_MAX_QUERY_DIRECTIVES", def: "50", usage: "most directives in a GraphQL query (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryDirectives })},
		{flag: "max-query-tokens", env: "EMNKG_MAX_QUERY_TOKENS", def: "2000", usage: "most lexical tokens in a GraphQL document, checked before parsing (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryTokens })},
		{flag: "max-query-cost", env: "EMNKG_MAX_QUERY_COST", def: "50000", usage: "highest cost of a query: objects it could return, lists weighted by first/last/limit (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryCost })},
		{flag: "max-body-bytes", env: "EMNKG_MAX_BODY_BYTES", def: "1048576", usage: "largest request body in bytes",
			bind: integer(func(c *Config) *int { return &c.MaxBodyBytes })},
		{flag: "production", env: "EMNKG_PRODUCTION", def: "false", usage: "production mode: no field suggestions, unexpected errors masked (combine with --introspection=false)",
			bind: boolean(func(c *Config) *bool { return &c.Production })},
		{flag: "require-get-preflight", env: "EMNKG_REQUIRE_GET_PREFLIGHT", def: "false", usage: "require the GraphQL-Require-Preflight header on GET requests (CSRF protection for GET)",
			bind: boolean(func(c *Config) *bool { return &c.RequireGETPreflight })},
		{flag: "metrics", env: "EMNKG_METRICS", def: "true", usage: "serve Prometheus metrics at /metrics",
			bind: boolean(func(c *Config) *bool { return &c.Metrics })},
		{flag: "metrics-addr", env: "EMNKG_METRICS_ADDR", def: "", usage: "serve /metrics on this address instead of --addr (e.g. 127.0.0.1:9090)",
			bind: str(func(c *Config) *string { return &c.MetricsAddr })},
		{flag: "shutdown-timeout", env: "EMNKG_SHUTDOWN_TIMEOUT", def: "15s", usage: "time given to in-flight requests on shutdown",
			bind: duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	}
}

func boolean(get func(*Config) *bool) binder {
	return func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
		b, err := strconv.ParseBool(def)
		fs.BoolVar(get(c), name, b, usage)
		return err
	}
}

func integer(get func(*Config) *int) binder {
	return func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
		n, err := strconv.Atoi(def)
		fs.IntVar(get(c), name, n, usage)
		return err
	}
}

func duration(get func(*Config) *time.Duration) binder {
	return func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
		d, err := time.ParseDuration(def)
		fs.DurationVar(get(c), name, d, usage)
		return err
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// BindFlags registers the flags of a command on fs, with defaults taken
// from the environment (getenv), and returns the config they fill. With
// storeOnly, only the flags every command shares (store and logging) are
// registered.
func BindFlags(fs *flag.FlagSet, getenv func(string) string, storeOnly bool) (*Config, error) {
	c := &Config{}
	var bad []string
	for _, s := range settings() {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		if storeOnly && !s.common {
			continue
		}
		usage := fmt.Sprintf("%s (env %s)", s.usage, s.env)
		if err := s.bind(fs, c, s.flag, def, usage); err != nil {
			bad = append(bad, fmt.Sprintf("%s=%q", s.env, def))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("invalid environment value %s", strings.Join(bad, ", "))
	}
	return c, nil
}
