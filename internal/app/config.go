// Package app wires emnkg together: configuration from flags, environment
// and a configuration file, opening the configured store, and loading the
// factual seed.
package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emnkg/emnkg/internal/neo4j"
	"github.com/goccy/go-yaml"
)

// Precedence is the one order in which emnkg's configuration sources win,
// as the help text and emnkg config state it.
const Precedence = "flags > environment > config file > defaults"

// ConfigEnv is the environment variable naming the configuration file,
// like the --config flag.
const ConfigEnv = "EMNKG_CONFIG"

// maxConfigFileBytes bounds the size of a configuration file.
const maxConfigFileBytes = 1 << 20

// Config is emnkg's configuration. Every field has a default, an
// environment variable, a key in the configuration file and a flag; see
// Precedence for which wins.
type Config struct {
	// ConfigFile is the configuration file read (--config or EMNKG_CONFIG),
	// or "" for none.
	ConfigFile string

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

	// Neo4j resilience: Neo4jRetryTime bounds the driver's retries of a
	// transaction and its wait for a connection; Neo4jProbeInterval is how
	// often Neo4j is probed; Neo4jHoldTime is how long a request made
	// while Neo4j does not answer waits for it (0: refused at once).
	Neo4jRetryTime     time.Duration
	Neo4jProbeInterval time.Duration
	Neo4jHoldTime      time.Duration

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
	MaxQueryDepth        int
	MaxQueryAliases      int
	MaxQueryRootFields   int
	MaxQueryDirectives   int
	MaxQueryTokens       int
	MaxQueryFieldRepeats int
	MaxQueryCost         int
	MaxBodyBytes         int
	Production           bool
	Env                  string
	RequireGETPreflight  bool
	Metrics              bool
	MetricsAddr          string

	// prov records where each value came from, for Effective; nil for a
	// Config built in code.
	prov *provenance
}

// setting describes one configuration entry.
type setting struct {
	flag, env, usage string
	common           bool // shared by every command (store and logging flags)
	secret           bool // its value is never shown (emnkg config redacts it)
	bind             binder
	def              string
}

// binder registers one flag on fs with the built-in default def, filling
// c; it fails only when def does not parse (a programming error).
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
		{flag: "neo4j-password", env: "NEO4J_PASSWORD", common: true, secret: true, usage: "Neo4j password (prefer the environment variable)",
			bind: str(func(c *Config) *string { return &c.Neo4jPassword })},
		{flag: "neo4j-database", env: "NEO4J_DATABASE", common: true, usage: "Neo4j database name; empty uses the server's default database",
			bind: str(func(c *Config) *string { return &c.Neo4jDatabase })},
		{flag: "neo4j-retry-time", env: "EMNKG_NEO4J_RETRY_TIME", def: neo4j.DefaultRetryTime.String(), common: true,
			usage: "longest time a Neo4j transaction is retried on transient errors (Neo4j away, restarting or busy), and waits for a connection; a request running when Neo4j goes away then fails once",
			bind:  duration(func(c *Config) *time.Duration { return &c.Neo4jRetryTime })},
		{flag: "neo4j-probe-interval", env: "EMNKG_NEO4J_PROBE_INTERVAL", def: neo4j.DefaultProbeInterval.String(), common: true,
			usage: "how often Neo4j is probed with a trivial query (every 250ms at most while it does not answer); also the Retry-After of requests refused while it does not",
			bind:  duration(func(c *Config) *time.Duration { return &c.Neo4jProbeInterval })},
		{flag: "neo4j-hold-time", env: "EMNKG_NEO4J_HOLD_TIME", def: neo4j.DefaultHoldTime.String(), common: true,
			usage: "how long a request made while Neo4j does not answer waits for it to answer again before it is refused with 503 (0: refused at once); keep it below --request-timeout",
			bind:  duration(func(c *Config) *time.Duration { return &c.Neo4jHoldTime })},
		{flag: "cors-origins", env: "EMNKG_CORS_ORIGINS",
			usage: "comma-separated origins allowed to call the API from browsers; empty allows only http://localhost:* and http://127.0.0.1:*; * allows any (never with credentials)",
			bind: func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
				c.CORSOrigins = splitList(def)
				fs.Var(&listValue{&c.CORSOrigins}, name, usage)
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
		{flag: "jwt-secret", env: "EMNKG_JWT_SECRET", secret: true, usage: "secret of HS256-signed bearer JWTs (prefer the environment variable)",
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
		{flag: "max-query-field-repeats", env: "EMNKG_MAX_QUERY_FIELD_REPEATS", def: "100", usage: "most times one field (response name) may be selected in one selection set, checked before validation, whose cost grows with its square (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryFieldRepeats })},
		{flag: "max-query-cost", env: "EMNKG_MAX_QUERY_COST", def: "50000", usage: "highest cost of a query: objects it could return, lists weighted by first/last/limit (0: no limit)",
			bind: integer(func(c *Config) *int { return &c.MaxQueryCost })},
		{flag: "max-body-bytes", env: "EMNKG_MAX_BODY_BYTES", def: "1048576", usage: "largest request body in bytes",
			bind: integer(func(c *Config) *int { return &c.MaxBodyBytes })},
		{flag: "production", env: "EMNKG_PRODUCTION", def: "false", usage: "production mode: no introspection, GraphiQL or field suggestions; unexpected errors masked",
			bind: boolean(func(c *Config) *bool { return &c.Production })},
		{flag: "env", env: "EMNKG_ENV", def: "development", usage: "deployment environment: development or production (production implies --production)",
			bind: func(fs *flag.FlagSet, c *Config, name, def, usage string) error {
				v := envValue{c}
				err := v.Set(def)
				fs.Var(v, name, usage)
				return err
			}},
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

// listValue is a comma-separated list flag.
type listValue struct{ p *[]string }

// String joins the list with commas.
func (l *listValue) String() string {
	if l == nil || l.p == nil {
		return ""
	}
	return strings.Join(*l.p, ",")
}

// Set replaces the list with the comma-separated items of v.
func (l *listValue) Set(v string) error {
	*l.p = splitList(v)
	return nil
}

// Source tells where the value of a setting came from.
type Source string

// The sources of a setting's value, strongest first (see Precedence).
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceFile    Source = "file"
	SourceDefault Source = "default"
)

// Setting is one effective configuration entry.
type Setting struct {
	// Name is the flag name, which is also the configuration file's key.
	Name string
	// Env is the environment variable.
	Env string
	// Value is the effective value, as the flag would be written;
	// "<redacted>" replaces a set secret (and the password of a URL).
	Value string
	// Source is where Value came from.
	Source Source
	// Secret marks a setting whose value is never shown.
	Secret bool
}

// provenance is what BindFlags learns about where values come from.
type provenance struct {
	fs       *flag.FlagSet
	getenv   func(string) string
	settings []setting // the settings registered on fs, in help order
	source   map[string]Source
	// configSource is where the configuration file's name came from.
	configSource Source
}

// Effective returns every setting the command takes, with its effective
// value and where it came from, secrets redacted. It is meant to be called
// after the flags are parsed; a Config not made by BindFlags has none.
func (c *Config) Effective() []Setting {
	p := c.prov
	if p == nil {
		return nil
	}
	given := map[string]bool{}
	p.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	src := func(name string, s Source) Source {
		if given[name] {
			return SourceFlag
		}
		return s
	}
	out := []Setting{{Name: "config", Env: ConfigEnv, Value: c.ConfigFile, Source: src("config", p.configSource)}}
	for _, s := range p.settings {
		f := p.fs.Lookup(s.flag)
		secret := s.secret || secretLike(s.flag)
		out = append(out, Setting{Name: s.flag, Env: s.env, Value: redact(f.Value.String(), secret),
			Source: src(s.flag, p.source[s.flag]), Secret: secret})
	}
	return out
}

// secretLike tells a setting (or URL parameter) whose name suggests a
// credential: one of its words (split at - and _) is password, passwd,
// secret, token, apikey or credential, or it ends in api-key or
// private-key.
func secretLike(name string) bool {
	name = strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	for _, w := range strings.Split(name, "-") {
		switch w {
		case "password", "passwd", "secret", "token", "apikey", "credential":
			return true
		}
	}
	return strings.HasSuffix(name, "api-key") || strings.HasSuffix(name, "private-key")
}

// Redacted replaces a secret value.
const Redacted = "<redacted>"

// redact hides v when it is a set secret, and the password and
// secret-like query parameters of a URL.
func redact(v string, secret bool) string {
	if v == "" {
		return ""
	}
	if secret {
		return Redacted
	}
	if !strings.Contains(v, "://") {
		return v
	}
	u, err := url.Parse(v)
	if err != nil {
		// An unparsable URL may still hold a user:password@ part.
		if strings.Contains(v, "@") {
			return Redacted
		}
		return v
	}
	changed := false
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
		changed = true
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if secretLike(k) || strings.EqualFold(k, "key") || strings.EqualFold(k, "sig") {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	if !changed {
		return v
	}
	return strings.ReplaceAll(u.String(), "xxxxx", Redacted)
}

// BindFlags registers the flags of a command on fs and returns the config
// they fill, already holding the values of the environment (getenv) and of
// the configuration file that EMNKG_CONFIG names; parsing fs applies the
// command line over them, and a --config flag reads its file then (its
// values win over the defaults only: see Precedence). With storeOnly, only
// the flags every command shares (store, logging and --config) are
// registered. The help shows the built-in defaults, never environment or
// file values (which may be secrets).
func BindFlags(fs *flag.FlagSet, getenv func(string) string, storeOnly bool) (*Config, error) {
	c := &Config{}
	p := &provenance{fs: fs, getenv: getenv, source: map[string]Source{}, configSource: SourceDefault}
	c.prov = p
	for _, s := range settings() {
		if storeOnly && !s.common {
			continue
		}
		usage := fmt.Sprintf("%s (env %s)", s.usage, s.env)
		if err := s.bind(fs, c, s.flag, s.def, usage); err != nil {
			return nil, fmt.Errorf("default of --%s: %w", s.flag, err)
		}
		p.settings = append(p.settings, s)
		p.source[s.flag] = SourceDefault
	}
	fs.Var(configFlag{c}, "config", "read settings from this `file`: a JSON object (YAML for .yaml and .yml files) whose keys are "+
		"these flags' names, e.g. {\"addr\": \"127.0.0.1:9000\", \"max-query-depth\": 12}; precedence: "+
		Precedence+" (env "+ConfigEnv+")")
	if path := getenv(ConfigEnv); path != "" {
		if err := c.loadFile(path, SourceEnv); err != nil {
			return nil, err
		}
	}
	var bad []string
	for _, s := range p.settings {
		v := getenv(s.env)
		if v == "" {
			continue
		}
		if err := fs.Lookup(s.flag).Value.Set(v); err != nil {
			shown := v
			if s.secret || secretLike(s.flag) {
				shown = Redacted
			}
			bad = append(bad, fmt.Sprintf("%s=%q", s.env, shown))
			continue
		}
		p.source[s.flag] = SourceEnv
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("invalid environment value %s", strings.Join(bad, ", "))
	}
	return c, nil
}

// configFlag is the --config flag: setting it reads the file.
type configFlag struct{ c *Config }

// String returns the file's name.
func (f configFlag) String() string {
	if f.c == nil {
		return ""
	}
	return f.c.ConfigFile
}

// Set reads the configuration file path.
func (f configFlag) Set(path string) error { return f.c.loadFile(path, SourceFlag) }

// loadFile reads the configuration file at path (named by from) and
// applies its values to the settings that neither the environment nor an
// earlier flag set; the values of a file read before it are dropped.
func (c *Config) loadFile(path string, from Source) error {
	p := c.prov
	values, err := ReadConfigFile(path)
	if err != nil {
		return err
	}
	given := map[string]bool{}
	p.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range p.settings {
		if given[s.flag] || p.getenv(s.env) != "" {
			continue
		}
		f := p.fs.Lookup(s.flag)
		v, ok := values[s.flag]
		switch {
		case ok:
			if err := f.Value.Set(v); err != nil {
				if s.secret || secretLike(s.flag) {
					v = Redacted
				}
				return fmt.Errorf("config file %s: invalid value %q for %q", path, v, s.flag)
			}
			p.source[s.flag] = SourceFile
		case p.source[s.flag] == SourceFile:
			// Set by a file read before this one: back to the default.
			if err := f.Value.Set(f.DefValue); err != nil {
				return err
			}
			p.source[s.flag] = SourceDefault
		}
	}
	c.ConfigFile = path
	p.configSource = from
	return nil
}

// ReadConfigFile reads a configuration file: a JSON object, or YAML when
// the name ends in .yaml or .yml, whose keys are flag names (of any
// command) and whose values are strings, numbers, booleans, lists of
// strings (for comma-separated settings) or null (not set). It returns the
// values as a flag would be written. Unknown keys are errors, so that a
// misspelt key does not pass unnoticed.
func ReadConfigFile(path string) (map[string]string, error) {
	fail := func(format string, args ...any) (map[string]string, error) {
		return nil, fmt.Errorf("config file %s: %s", path, fmt.Sprintf(format, args...))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxConfigFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if len(raw) > maxConfigFileBytes {
		return fail("larger than %d bytes", maxConfigFileBytes)
	}
	var doc map[string]any
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			return fail("not valid YAML: %s", firstLine(err.Error()))
		}
		if doc == nil && len(bytes.TrimSpace(raw)) > 0 {
			return fail("must be a mapping of flag names to values")
		}
	default:
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return fail("not a valid JSON object: %s", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return fail("holds more than one JSON value")
		}
	}
	// Every value is checked, also those of settings the command does
	// not take, so that a file fails the same way for every command.
	scratch := flag.NewFlagSet("check", flag.ContinueOnError)
	known := map[string]setting{}
	for _, s := range settings() {
		if err := s.bind(scratch, &Config{}, s.flag, s.def, ""); err != nil {
			return nil, err
		}
		known[s.flag] = s
	}
	out := map[string]string{}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, isKnown := known[k]
		if !isKnown {
			return fail("unknown key %q (the keys are flag names, such as \"addr\" or \"neo4j-uri\")", k)
		}
		v, ok, err := configString(doc[k])
		if err != nil {
			return fail("%q: %s", k, err)
		}
		if !ok {
			continue
		}
		if err := scratch.Set(k, v); err != nil {
			if s.secret || secretLike(k) {
				v = Redacted
			}
			return fail("invalid value %q for %q", v, k)
		}
		out[k] = v
	}
	return out, nil
}

// configString writes a configuration file value as a flag value; ok is
// false for null.
func configString(v any) (s string, ok bool, err error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case bool:
		return strconv.FormatBool(v), true, nil
	case json.Number:
		return v.String(), true, nil
	case int, int64, uint64, int32, uint32:
		return fmt.Sprint(v), true, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true, nil
	case []any:
		items := make([]string, 0, len(v))
		for _, item := range v {
			s, ok, err := configString(item)
			if err != nil {
				return "", false, err
			}
			if _, isList := item.([]any); isList || !ok || strings.Contains(s, ",") {
				return "", false, errors.New("a list must hold strings without commas")
			}
			items = append(items, s)
		}
		return strings.Join(items, ","), true, nil
	}
	return "", false, fmt.Errorf("a value must be a string, number, boolean or list, not %T", v)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// envValue is the --env flag: development or production, where production
// also sets Production.
type envValue struct{ c *Config }

// String returns the environment's name.
func (v envValue) String() string {
	if v.c == nil {
		return ""
	}
	return v.c.Env
}

// Set checks and applies an environment's name.
func (v envValue) Set(s string) error {
	switch s {
	case "development":
	case "production":
		v.c.Production = true
	default:
		return fmt.Errorf("--env must be development or production, not %q", s)
	}
	v.c.Env = s
	return nil
}
