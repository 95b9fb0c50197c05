package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const (
	// minRefreshInterval is the least time between two loads of a key
	// set, so that tokens naming unknown key IDs cannot flood the
	// identity provider.
	minRefreshInterval = 30 * time.Second
	// maxKeyAge is the age after which a key set is loaded again even
	// when every key ID is known, so that withdrawn keys stop working.
	maxKeyAge = time.Hour
	// maxJWKSBytes bounds the size of a key set.
	maxJWKSBytes = 1 << 20
	// minRSABits is the smallest RSA modulus accepted.
	minRSABits = 2048
)

// errRateLimited tells that a key set was loaded too recently to be
// loaded again.
var errRateLimited = errors.New("auth: key set loaded too recently")

// verifyKey is one usable public key of a key set.
type verifyKey struct {
	kid string
	alg jose.SignatureAlgorithm // the only algorithm the key verifies
	key any                     // *rsa.PublicKey or *ecdsa.PublicKey
}

// keySource holds the keys of a JSON Web Key Set and loads them again
// when needed, at most every minRefreshInterval.
type keySource struct {
	name  string // describes the source in errors, without secrets
	fetch func(context.Context) ([]byte, error)
	now   func() time.Time

	loadMu sync.Mutex // serialises loads

	mu          sync.RWMutex // guards the fields below
	keys        []verifyKey
	loadedAt    time.Time // last successful load
	attemptedAt time.Time // last load, successful or not
}

func newKeySource(name string, now func() time.Time, fetch func(context.Context) ([]byte, error)) *keySource {
	return &keySource{name: name, fetch: fetch, now: now}
}

// load reads the key set and, when it holds usable keys, replaces the
// current ones. The caller must not hold mu.
func (s *keySource) load(ctx context.Context) error {
	s.mu.Lock()
	s.attemptedAt = s.now()
	s.mu.Unlock()
	data, err := s.fetch(ctx)
	if err != nil {
		return fmt.Errorf("auth: load %s: %w", s.name, err)
	}
	keys, err := parseJWKS(data)
	if err != nil {
		return fmt.Errorf("auth: load %s: %w", s.name, err)
	}
	s.mu.Lock()
	s.keys, s.loadedAt = keys, s.now()
	s.mu.Unlock()
	return nil
}

// refresh loads the key set unless it was loaded less than
// minRefreshInterval ago, in which case it returns errRateLimited.
func (s *keySource) refresh(ctx context.Context) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	s.mu.RLock()
	last := s.attemptedAt
	s.mu.RUnlock()
	if s.now().Sub(last) < minRefreshInterval {
		return errRateLimited
	}
	return s.load(ctx)
}

// refreshIfStale loads the key set again when it is older than maxKeyAge,
// unless another load is under way. A failure keeps the current keys.
func (s *keySource) refreshIfStale(ctx context.Context) {
	s.mu.RLock()
	stale := s.now().Sub(s.loadedAt) > maxKeyAge
	s.mu.RUnlock()
	if !stale || !s.loadMu.TryLock() {
		return
	}
	defer s.loadMu.Unlock()
	s.mu.RLock()
	last := s.attemptedAt
	s.mu.RUnlock()
	if s.now().Sub(last) >= minRefreshInterval {
		_ = s.load(ctx)
	}
}

// candidates returns the keys that may verify a token signed with alg
// under key ID kid; any key for alg when kid is empty.
func (s *keySource) candidates(kid string, alg jose.SignatureAlgorithm) []any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []any
	for _, k := range s.keys {
		if k.alg == alg && (kid == "" || k.kid == kid) {
			out = append(out, k.key)
		}
	}
	return out
}

// lookup returns the keys that may verify a token signed with alg under
// key ID kid, loading the key set again when none is known.
func (s *keySource) lookup(ctx context.Context, kid string, alg jose.SignatureAlgorithm) ([]any, error) {
	// A caller that goes away must not spoil a load others will wait for;
	// fetch bounds the load's duration.
	ctx = context.WithoutCancel(ctx)
	s.refreshIfStale(ctx)
	if c := s.candidates(kid, alg); len(c) > 0 {
		return c, nil
	}
	err := s.refresh(ctx)
	if c := s.candidates(kid, alg); len(c) > 0 {
		return c, nil
	}
	if err != nil && !errors.Is(err, errRateLimited) {
		return nil, unauthorized("The keys that verify bearer tokens are unavailable; try again later.")
	}
	return nil, unauthorized("The bearer token is signed with an unknown key.")
}

// fetch GETs a key set over HTTP.
func fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, jwksFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxJWKSBytes))
		return nil, fmt.Errorf("HTTP status %s", resp.Status)
	}
	return readJWKS(resp.Body)
}

// readJWKS reads a key set of at most maxJWKSBytes.
func readJWKS(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxJWKSBytes {
		return nil, fmt.Errorf("key set larger than %d bytes", maxJWKSBytes)
	}
	return data, nil
}

// parseJWKS returns the usable signing keys of a JSON Web Key Set: RSA
// keys of at least 2048 bits for RS256 and P-256 keys for ES256, whose
// "use" is empty or "sig" and whose "alg", when given, matches. Other
// keys, such as encryption keys or keys of other algorithms, are skipped;
// a set without any usable key is an error.
func parseJWKS(data []byte) ([]verifyKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	var keys []verifyKey
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if !k.IsPublic() {
			// A private key in a published set is a mistake, but its
			// public half is still usable; symmetric keys are not.
			k = k.Public()
		}
		if !k.Valid() || !k.IsPublic() {
			continue
		}
		var alg jose.SignatureAlgorithm
		switch pub := k.Key.(type) {
		case *rsa.PublicKey:
			if pub.N.BitLen() < minRSABits {
				continue
			}
			alg = jose.RS256
		case *ecdsa.PublicKey:
			if pub.Curve != elliptic.P256() {
				continue
			}
			alg = jose.ES256
		default:
			continue
		}
		if k.Algorithm != "" && k.Algorithm != string(alg) {
			continue
		}
		keys = append(keys, verifyKey{kid: k.KeyID, alg: alg, key: k.Key})
	}
	if len(keys) == 0 {
		return nil, errors.New("no usable RS256 or ES256 signing key in the key set")
	}
	return keys, nil
}
