// Package auth authenticates the callers of emnkg and checks their roles.
//
// A caller presents a bearer token in the Authorization header: either an
// API key made by 'emnkg apikey create', recognised by its "emnkg_"
// prefix, or a JSON Web Token signed with a shared HS256 secret or with a
// key of a JSON Web Key Set (RS256 or ES256). A caller without a token is
// anonymous. The roles, from least to most powerful, are anonymous,
// researcher, editor and admin.
//
// Every authentication failure is an *emnkg.Error with the EUNAUTHORIZED
// code and a message that is safe to show to the client; tokens are never
// logged nor echoed.
package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// DefaultRoleClaim is the JWT claim that holds the caller's role when
// Config.RoleClaim is empty.
const DefaultRoleClaim = "role"

// rolesClaim is the JWT claim that may hold an array of roles; the most
// powerful valid one wins.
const rolesClaim = "roles"

// minHS256SecretLen is the shortest HS256 secret accepted: RFC 7518 asks
// for a key at least as long as the hash output.
const minHS256SecretLen = 32

// maxTokenLen bounds the bearer tokens that are parsed at all.
const maxTokenLen = 16 << 10

// jwksFetchTimeout bounds the default HTTP client's JWKS fetches.
const jwksFetchTimeout = 10 * time.Second

// Config configures an Authenticator. The zero value accepts API keys
// only.
type Config struct {
	// HS256Secret verifies HS256-signed tokens; empty disables them. It
	// must be at least 32 bytes long.
	HS256Secret []byte
	// JWKSFile is a file holding a JSON Web Key Set whose keys verify
	// RS256 and ES256 tokens. It is read at start, and read again
	// (at most every 30 seconds) when a token names an unknown key ID.
	JWKSFile string
	// JWKSURL is the https URL of a JSON Web Key Set, as published by an
	// OpenID Connect provider. It is fetched at start, cached, and fetched
	// again (at most every 30 seconds) when a token names an unknown key
	// ID, and hourly. Plain http is accepted only for loopback hosts. At
	// most one of JWKSFile and JWKSURL may be set.
	JWKSURL string
	// Issuer, when set, must equal the "iss" claim of every token.
	Issuer string
	// Audience, when set, must be one of the "aud" claim of every token.
	Audience string
	// RoleClaim names the claim holding the caller's role as a string
	// (DefaultRoleClaim when empty). A "roles" claim holding an array of
	// strings is also read; the most powerful valid role found wins.
	RoleClaim string
	// Leeway is the clock skew tolerated when checking the "exp", "nbf"
	// and "iat" claims.
	Leeway time.Duration
}

// Authenticator turns the Authorization header of a request into a
// Principal. It is safe for concurrent use.
type Authenticator struct {
	keys      APIKeyStore
	now       func() time.Time
	secret    []byte
	jwks      *keySource // nil without a JWKS
	algs      []jose.SignatureAlgorithm
	issuer    string
	audience  string
	roleClaim string
	leeway    time.Duration
}

// New returns an Authenticator for cfg. keys finds API keys (nil refuses
// every API key); now is the clock (time.Now when nil); httpClient fetches
// the JWKS URL (a client with a 10-second timeout when nil). With a JWKS,
// New loads it once and fails when it cannot.
func New(ctx context.Context, cfg Config, keys APIKeyStore, now func() time.Time, httpClient *http.Client) (*Authenticator, error) {
	if now == nil {
		now = time.Now
	}
	a := &Authenticator{
		keys:      keys,
		now:       now,
		issuer:    cfg.Issuer,
		audience:  cfg.Audience,
		roleClaim: cfg.RoleClaim,
		leeway:    cfg.Leeway,
	}
	if a.roleClaim == "" {
		a.roleClaim = DefaultRoleClaim
	}
	if cfg.Leeway < 0 {
		return nil, emnkg.Errorf(emnkg.EINVALID, "The JWT leeway cannot be negative.")
	}
	if len(cfg.HS256Secret) > 0 {
		if len(cfg.HS256Secret) < minHS256SecretLen {
			return nil, emnkg.Errorf(emnkg.EINVALID, "The JWT HS256 secret must be at least %d bytes long.", minHS256SecretLen)
		}
		a.secret = append([]byte(nil), cfg.HS256Secret...)
		a.algs = append(a.algs, jose.HS256)
	}
	switch {
	case cfg.JWKSFile != "" && cfg.JWKSURL != "":
		return nil, emnkg.Errorf(emnkg.EINVALID, "Give a JWKS file or a JWKS URL, not both.")
	case cfg.JWKSFile != "":
		path := cfg.JWKSFile
		a.jwks = newKeySource("JWKS file "+path, now, func(context.Context) ([]byte, error) {
			return readLimited(path)
		})
	case cfg.JWKSURL != "":
		u, err := url.Parse(cfg.JWKSURL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, emnkg.Errorf(emnkg.EINVALID, "The JWKS URL must look like https://idp.example.org/jwks.json.")
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return nil, emnkg.Errorf(emnkg.EINVALID, "The JWKS URL must use https (plain http is allowed for localhost only).")
		}
		if httpClient == nil {
			httpClient = &http.Client{Timeout: jwksFetchTimeout}
		}
		a.jwks = newKeySource("JWKS URL "+u.Redacted(), now, func(ctx context.Context) ([]byte, error) {
			return fetch(ctx, httpClient, u.String())
		})
	}
	if a.jwks != nil {
		if err := a.jwks.load(ctx); err != nil {
			return nil, err
		}
		a.algs = append(a.algs, jose.RS256, jose.ES256)
	}
	return a, nil
}

// readLimited reads a JWKS file, refusing files that are too large.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readJWKS(f)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// unauthorized returns an EUNAUTHORIZED error with a client-safe message.
func unauthorized(msg string) *emnkg.Error {
	return &emnkg.Error{Code: emnkg.EUNAUTHORIZED, Message: msg}
}

// Authenticate returns the principal that the value of an Authorization
// header identifies: the anonymous principal for an empty value, else the
// owner of the bearer token it holds. Invalid credentials fail with an
// EUNAUTHORIZED *emnkg.Error; only a failing API key store returns another
// error.
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (Principal, error) {
	authorization = strings.TrimSpace(authorization)
	if authorization == "" {
		return Anonymous(), nil
	}
	scheme, token, ok := strings.Cut(authorization, " ")
	token = strings.TrimLeft(token, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Principal{}, unauthorized(`The Authorization header must hold "Bearer <token>".`)
	}
	if token == "" || strings.ContainsAny(token, " \t") {
		return Principal{}, unauthorized(`The Authorization header must hold "Bearer <token>".`)
	}
	if len(token) > maxTokenLen {
		return Principal{}, unauthorized("The bearer token is too long.")
	}
	if strings.HasPrefix(token, APIKeyPrefix) {
		return a.authenticateAPIKey(ctx, token)
	}
	return a.authenticateJWT(ctx, token)
}

// authenticateJWT verifies a JWT and returns its principal.
func (a *Authenticator) authenticateJWT(ctx context.Context, token string) (Principal, error) {
	if len(a.algs) == 0 {
		return Principal{}, unauthorized("Only API keys are accepted by this server.")
	}
	tok, err := jwt.ParseSigned(token, a.algs)
	if err != nil {
		return Principal{}, unauthorized("The bearer token is malformed or uses an algorithm that is not accepted.")
	}
	if len(tok.Headers) != 1 {
		return Principal{}, unauthorized("The bearer token is malformed.")
	}
	h := tok.Headers[0]
	// The algorithm picks the key: a token never chooses between a shared
	// secret and a public key, which rules out algorithm confusion.
	var candidates []any
	switch alg := jose.SignatureAlgorithm(h.Algorithm); alg {
	case jose.HS256:
		if a.secret == nil {
			return Principal{}, unauthorized("The bearer token uses an algorithm that is not accepted.")
		}
		candidates = []any{a.secret}
	case jose.RS256, jose.ES256:
		if a.jwks == nil {
			return Principal{}, unauthorized("The bearer token uses an algorithm that is not accepted.")
		}
		candidates, err = a.jwks.lookup(ctx, h.KeyID, alg)
		if err != nil {
			return Principal{}, err
		}
	default:
		return Principal{}, unauthorized("The bearer token uses an algorithm that is not accepted.")
	}
	var std jwt.Claims
	var extra map[string]any
	verified := false
	for _, key := range candidates {
		std, extra = jwt.Claims{}, nil
		if tok.Claims(key, &std, &extra) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return Principal{}, unauthorized("The bearer token's signature is invalid.")
	}
	if err := a.validateClaims(std); err != nil {
		return Principal{}, err
	}
	role, ok := a.role(extra)
	if !ok {
		return Principal{}, unauthorized("The bearer token names no valid role.")
	}
	return Principal{Subject: std.Subject, Role: role, Via: ViaJWT}, nil
}

// validateClaims checks the registered claims of a verified token.
func (a *Authenticator) validateClaims(c jwt.Claims) error {
	if c.Expiry == nil {
		return unauthorized("The bearer token has no expiry time.")
	}
	if c.Subject == "" {
		return unauthorized("The bearer token has no subject.")
	}
	want := jwt.Expected{Issuer: a.issuer, Time: a.now()}
	if a.audience != "" {
		want.AnyAudience = jwt.Audience{a.audience}
	}
	err := c.ValidateWithLeeway(want, a.leeway)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jwt.ErrExpired):
		return unauthorized("The bearer token has expired.")
	case errors.Is(err, jwt.ErrNotValidYet):
		return unauthorized("The bearer token is not valid yet.")
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return unauthorized("The bearer token was issued in the future.")
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return unauthorized("The bearer token's issuer is not accepted.")
	case errors.Is(err, jwt.ErrInvalidAudience):
		return unauthorized("The bearer token's audience is not accepted.")
	}
	return unauthorized("The bearer token's claims are invalid.")
}

// role returns the most powerful role that the role claim (a string) and
// the "roles" claim (an array of strings) name. A role claim that is
// present must be valid; unknown entries of an array are ignored, since
// identity providers put other roles there too.
func (a *Authenticator) role(claims map[string]any) (emnkg.Role, bool) {
	best, found := emnkg.Role(""), false
	consider := func(r emnkg.Role) {
		if r.Valid() && (!found || r.Rank() > best.Rank()) {
			best, found = r, true
		}
	}
	for _, name := range []string{a.roleClaim, rolesClaim} {
		switch v := claims[name].(type) {
		case nil:
		case string:
			if !emnkg.Role(v).Valid() {
				return "", false
			}
			consider(emnkg.Role(v))
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					consider(emnkg.Role(s))
				}
			}
		default:
			return "", false
		}
	}
	return best, found
}
