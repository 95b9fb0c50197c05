package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// t0 is the time every test starts at.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// claims returns valid claims for the test issuer and audience, changed
// by edit.
func claims(edit func(map[string]any)) map[string]any {
	c := map[string]any{
		"sub":  "alice",
		"iss":  "https://idp.example.org",
		"aud":  "emnkg",
		"iat":  t0.Add(-time.Minute).Unix(),
		"nbf":  t0.Add(-time.Minute).Unix(),
		"exp":  t0.Add(time.Hour).Unix(),
		"role": "editor",
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// sign returns a compact JWT of claims signed with key under alg, with
// key ID kid when it is not empty.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, c map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader(jose.HeaderKey("kid"), kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// unsigned returns a JWT with the given header and claims and an empty
// signature, as an attacker would forge one with "alg": "none".
func unsigned(t *testing.T, header, c map[string]any) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	p, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "."
}

// wantUnauthorized fails unless err is an EUNAUTHORIZED *emnkg.Error whose
// message contains want and does not echo the token.
func wantUnauthorized(t *testing.T, err error, want, token string) {
	t.Helper()
	var e *emnkg.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want an *emnkg.Error", err, err)
	}
	if e.Code != emnkg.EUNAUTHORIZED {
		t.Fatalf("code = %q, want %q (message %q)", e.Code, emnkg.EUNAUTHORIZED, e.Message)
	}
	if !strings.Contains(e.Message, want) {
		t.Errorf("message = %q, want it to contain %q", e.Message, want)
	}
	if token != "" && (strings.Contains(err.Error(), token) || strings.Contains(e.Message, token)) {
		t.Errorf("error echoes the token: %v", err)
	}
}

// fakeKeys is an in-memory APIKeyStore.
type fakeKeys struct {
	mu    sync.Mutex
	keys  map[string]emnkg.APIKey // by hash
	err   error                   // returned by every lookup when set
	calls int
}

func (f *fakeKeys) APIKeyByHash(_ context.Context, hash string) (*emnkg.APIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	k, ok := f.keys[hash]
	if !ok {
		return nil, emnkg.Errorf(emnkg.ENOTFOUND, "No such API key.")
	}
	return &k, nil
}

func (f *fakeKeys) add(k emnkg.APIKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys == nil {
		f.keys = map[string]emnkg.APIKey{}
	}
	f.keys[k.Hash] = k
}

func (f *fakeKeys) lookups() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
