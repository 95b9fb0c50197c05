package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func testRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testECKey(t *testing.T, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// jwk describes one key of a test key set.
type jwk struct {
	key      any // a private key: its public half is published
	kid, alg string
	use      string
}

// jwksJSON returns a key set publishing the public halves of keys.
func jwksJSON(t *testing.T, keys ...jwk) []byte {
	t.Helper()
	var set jose.JSONWebKeySet
	for _, k := range keys {
		jk := jose.JSONWebKey{Key: k.key, KeyID: k.kid, Algorithm: k.alg, Use: k.use}
		if _, symmetric := k.key.([]byte); !symmetric {
			jk = jk.Public()
		}
		set.Keys = append(set.Keys, jk)
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestJWKSFile(t *testing.T) {
	rsaKey, ecKey := testRSAKey(t), testECKey(t, elliptic.P256())
	otherRSA := testRSAKey(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "jwks.json")
	writeFile(t, path, jwksJSON(t,
		jwk{key: rsaKey, kid: "r1", alg: "RS256", use: "sig"},
		jwk{key: ecKey, kid: "e1"},
		jwk{key: otherRSA, kid: "enc", use: "enc"},                       // skipped: encryption key
		jwk{key: []byte("a-symmetric-key-in-a-public-set!"), kid: "oct"}, // skipped: symmetric
	))
	clk := newClock()
	a, err := New(context.Background(), Config{JWKSFile: path, Audience: "emnkg"}, nil, clk.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	editor := Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}
	tests := []struct {
		name   string
		token  func(*testing.T) string
		errHas string
	}{
		{"RS256", func(t *testing.T) string { return sign(t, jose.RS256, rsaKey, "r1", claims(nil)) }, ""},
		{"ES256", func(t *testing.T) string { return sign(t, jose.ES256, ecKey, "e1", claims(nil)) }, ""},
		{"RS256 without kid", func(t *testing.T) string { return sign(t, jose.RS256, rsaKey, "", claims(nil)) }, ""},
		{"ES256 without kid", func(t *testing.T) string { return sign(t, jose.ES256, ecKey, "", claims(nil)) }, ""},
		{"RS256 signed by another key", func(t *testing.T) string { return sign(t, jose.RS256, otherRSA, "r1", claims(nil)) }, "signature is invalid"},
		{"RS256 naming an EC key", func(t *testing.T) string { return sign(t, jose.RS256, rsaKey, "e1", claims(nil)) }, "unknown key"},
		{"ES256 naming an RSA key", func(t *testing.T) string { return sign(t, jose.ES256, ecKey, "r1", claims(nil)) }, "unknown key"},
		{"RS256 naming an encryption key", func(t *testing.T) string { return sign(t, jose.RS256, otherRSA, "enc", claims(nil)) }, "unknown key"},
		{"unknown kid", func(t *testing.T) string { return sign(t, jose.RS256, rsaKey, "r9", claims(nil)) }, "unknown key"},
		{"ES384 is not accepted", func(t *testing.T) string {
			return sign(t, jose.ES384, testECKey(t, elliptic.P384()), "e1", claims(nil))
		}, "not accepted"},
		{"PS256 is not accepted", func(t *testing.T) string { return sign(t, jose.PS256, rsaKey, "r1", claims(nil)) }, "not accepted"},
		// Algorithm confusion: an HS256 token whose HMAC key is the RSA
		// public key, which anyone can read from the key set.
		{"HS256 with the public key as secret (DER)", func(t *testing.T) string {
			return sign(t, jose.HS256, pubDER, "r1", claims(func(c map[string]any) { c["role"] = "admin" }))
		}, "not accepted"},
		{"HS256 with the key set as secret", func(t *testing.T) string {
			secret, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			return sign(t, jose.HS256, secret, "r1", claims(func(c map[string]any) { c["role"] = "admin" }))
		}, "not accepted"},
		{"HS256 with the symmetric key of the set", func(t *testing.T) string {
			return sign(t, jose.HS256, []byte("a-symmetric-key-in-a-public-set!"), "oct", claims(nil))
		}, "not accepted"},
		{"alg none naming an RSA key", func(t *testing.T) string {
			return unsigned(t, map[string]any{"alg": "none", "kid": "r1"}, claims(nil))
		}, "not accepted"},
		{"expired RS256", func(t *testing.T) string {
			return sign(t, jose.RS256, rsaKey, "r1", claims(func(c map[string]any) { c["exp"] = t0.Add(-time.Hour).Unix() }))
		}, "expired"},
		{"RS256 with a wrong audience", func(t *testing.T) string {
			return sign(t, jose.RS256, rsaKey, "r1", claims(func(c map[string]any) { c["aud"] = "other" }))
		}, "audience"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token(t)
			got, err := a.Authenticate(context.Background(), "Bearer "+token)
			if tt.errHas != "" {
				wantUnauthorized(t, err, tt.errHas, token)
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got != editor {
				t.Errorf("got %+v, want %+v", got, editor)
			}
		})
	}

	// With both an HS256 secret and a key set, an HS256 token is checked
	// against the secret only, never against a public key.
	t.Run("HS256 and key set", func(t *testing.T) {
		b, err := New(context.Background(), Config{JWKSFile: path, HS256Secret: testSecret}, nil, clk.Now, nil)
		if err != nil {
			t.Fatal(err)
		}
		forged := sign(t, jose.HS256, pubDER, "r1", claims(nil))
		_, err = b.Authenticate(context.Background(), "Bearer "+forged)
		wantUnauthorized(t, err, "signature is invalid", forged)
		for _, token := range []string{
			sign(t, jose.HS256, testSecret, "", claims(nil)),
			sign(t, jose.RS256, rsaKey, "r1", claims(nil)),
		} {
			if _, err := b.Authenticate(context.Background(), "Bearer "+token); err != nil {
				t.Errorf("err = %v", err)
			}
		}
	})

	t.Run("rotation", func(t *testing.T) {
		newKey := testECKey(t, elliptic.P256())
		writeFile(t, path, jwksJSON(t, jwk{key: newKey, kid: "e2"}))
		token := sign(t, jose.ES256, newKey, "e2", claims(nil))
		// The file was read less than 30 seconds ago: not read again yet.
		_, err := a.Authenticate(context.Background(), "Bearer "+token)
		wantUnauthorized(t, err, "unknown key", token)
		clk.Advance(minRefreshInterval)
		if got, err := a.Authenticate(context.Background(), "Bearer "+token); err != nil || got != editor {
			t.Fatalf("after rotation: got %+v, %v", got, err)
		}
		// The old key is gone with the file's new contents.
		old := sign(t, jose.RS256, rsaKey, "r1", claims(nil))
		_, err = a.Authenticate(context.Background(), "Bearer "+old)
		wantUnauthorized(t, err, "unknown key", old)
	})

	t.Run("unreadable file after start keeps the known keys", func(t *testing.T) {
		writeFile(t, path, []byte("not json"))
		clk.Advance(minRefreshInterval)
		unknown := sign(t, jose.ES256, ecKey, "e9", claims(nil))
		_, err := a.Authenticate(context.Background(), "Bearer "+unknown)
		wantUnauthorized(t, err, "unavailable", unknown)
	})
}

func TestJWKSFileRejected(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not JSON", []byte("{"), "not a JSON Web Key Set"},
		{"empty set", []byte(`{"keys":[]}`), "no usable"},
		{"only a symmetric key", jwksJSON(t, jwk{key: []byte("0123456789abcdef0123456789abcdef"), kid: "s"}), "no usable"},
		{"only a weak RSA key", jwksJSON(t, jwk{key: weak, kid: "w"}), "no usable"},
		{"only a P-384 key", jwksJSON(t, jwk{key: testECKey(t, elliptic.P384()), kid: "p"}), "no usable"},
		{"alg disagreeing with the key", []byte(strings.Replace(string(jwksJSON(t, jwk{key: testECKey(t, elliptic.P256()), kid: "x"})),
			`"kty"`, `"alg":"RS256","kty"`, 1)), "no usable"},
		{"unknown kty", []byte(`{"keys":[{"kty":"XYZ","kid":"x"}]}`), "no usable"},
		{"too large", append([]byte(`{"keys":[],"pad":"`), []byte(strings.Repeat("x", maxJWKSBytes))...), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "jwks.json")
			writeFile(t, path, tt.data)
			_, err := New(context.Background(), Config{JWKSFile: path}, nil, nil, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %q, want it to name the file and contain %q", err, tt.want)
			}
		})
	}
}

// jwksServer serves a key set that tests can change, counting requests.
type jwksServer struct {
	mu     sync.Mutex
	body   []byte
	status int
	hits   int
}

func (s *jwksServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits++
	if s.status != 0 && s.status != http.StatusOK {
		http.Error(w, "down", s.status)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	_, _ = w.Write(s.body)
}

func (s *jwksServer) set(body []byte, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.status = body, status
}

func (s *jwksServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func TestJWKSURL(t *testing.T) {
	k1, k2 := testRSAKey(t), testECKey(t, elliptic.P256())
	srv := &jwksServer{body: jwksJSON(t, jwk{key: k1, kid: "k1", alg: "RS256", use: "sig"})}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	clk := newClock()
	a, err := New(context.Background(), Config{JWKSURL: ts.URL + "/jwks.json", Issuer: "https://idp.example.org"},
		nil, clk.Now, ts.Client())
	if err != nil {
		t.Fatal(err)
	}
	editor := Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}
	auth := func(token string) (Principal, error) {
		return a.Authenticate(context.Background(), "Bearer "+token)
	}
	wantHits := func(n int) {
		t.Helper()
		if got := srv.count(); got != n {
			t.Errorf("key set fetched %d times, want %d", got, n)
		}
	}
	wantHits(1)

	t1 := sign(t, jose.RS256, k1, "k1", claims(nil))
	for range 3 {
		if got, err := auth(t1); err != nil || got != editor {
			t.Fatalf("got %+v, %v", got, err)
		}
	}
	wantHits(1) // cached

	// Rotation: the provider publishes k2 and drops k1.
	srv.set(jwksJSON(t, jwk{key: k2, kid: "k2"}), http.StatusOK)
	t2 := sign(t, jose.ES256, k2, "k2", claims(nil))
	_, err = auth(t2)
	wantUnauthorized(t, err, "unknown key", t2)
	wantHits(1) // fetched less than 30 seconds ago
	clk.Advance(minRefreshInterval)
	if got, err := auth(t2); err != nil || got != editor {
		t.Fatalf("after rotation: got %+v, %v", got, err)
	}
	wantHits(2)
	// A flood of unknown key IDs costs at most one fetch per interval.
	for i := range 5 {
		tok := sign(t, jose.ES256, k2, "nope"+string(rune('a'+i)), claims(nil))
		_, err := auth(tok)
		wantUnauthorized(t, err, "unknown key", tok)
	}
	_, err = auth(t1)
	wantUnauthorized(t, err, "unknown key", t1)
	wantHits(2)

	// The provider fails: known keys keep working, unknown ones are
	// reported as unavailable, and nothing panics.
	srv.set(nil, http.StatusInternalServerError)
	clk.Advance(minRefreshInterval)
	_, err = auth(t1)
	wantUnauthorized(t, err, "unavailable", t1)
	wantHits(3)
	if _, err := auth(t2); err != nil {
		t.Errorf("known key after a failed fetch: %v", err)
	}

	// After maxKeyAge the key set is fetched again even for known keys.
	srv.set(jwksJSON(t, jwk{key: k2, kid: "k2"}), http.StatusOK)
	clk.Advance(maxKeyAge)
	t2 = sign(t, jose.ES256, k2, "k2", claims(func(c map[string]any) { c["exp"] = clk.Now().Add(time.Hour).Unix() }))
	if _, err := auth(t2); err != nil {
		t.Errorf("after max age: %v", err)
	}
	wantHits(4)
}

func TestJWKSURLFetchFailures(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			http.Error(w, "oops", http.StatusInternalServerError)
		case "/html":
			_, _ = w.Write([]byte("<html>login</html>"))
		case "/huge":
			_, _ = w.Write([]byte(`{"keys":[],"pad":"` + strings.Repeat("x", maxJWKSBytes) + `"}`))
		}
	}))
	defer bad.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		url, want string
	}{
		{bad.URL + "/500", "HTTP status 500"},
		{bad.URL + "/html", "not a JSON Web Key Set"},
		{bad.URL + "/huge", "larger than"},
		{closedURL + "/jwks", "JWKS URL"},
	}
	for _, tt := range tests {
		_, err := New(context.Background(), Config{JWKSURL: tt.url}, nil, nil, bad.Client())
		if err == nil {
			t.Errorf("%s: no error", tt.url)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %q, want it to contain %q", tt.url, err, tt.want)
		}
	}
}

// TestConcurrentRotation exercises the key cache from many goroutines
// while the key set rotates; run it with -race.
func TestConcurrentRotation(t *testing.T) {
	keys := []*ecdsa.PrivateKey{testECKey(t, elliptic.P256()), testECKey(t, elliptic.P256())}
	srv := &jwksServer{body: jwksJSON(t, jwk{key: keys[0], kid: "a"})}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	clk := newClock()
	a, err := New(context.Background(), Config{JWKSURL: ts.URL}, nil, clk.Now, ts.Client())
	if err != nil {
		t.Fatal(err)
	}
	tokens := []string{sign(t, jose.ES256, keys[0], "a", claims(nil)), sign(t, jose.ES256, keys[1], "b", claims(nil))}
	srv.set(jwksJSON(t, jwk{key: keys[0], kid: "a"}, jwk{key: keys[1], kid: "b"}), http.StatusOK)
	clk.Advance(minRefreshInterval)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 20 {
				if _, err := a.Authenticate(context.Background(), "Bearer "+tokens[(i+j)%2]); err != nil {
					t.Errorf("goroutine %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := srv.count(); n != 2 {
		t.Errorf("key set fetched %d times, want 2", n)
	}
}
