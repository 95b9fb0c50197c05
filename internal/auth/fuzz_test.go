package auth

import (
	"context"
	"errors"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// noKeys is an APIKeyStore holding no key.
type noKeys struct{}

func (noKeys) APIKeyByHash(context.Context, string) (*emnkg.APIKey, error) {
	return nil, emnkg.Errorf(emnkg.ENOTFOUND, "no key")
}

// FuzzAuthenticate feeds arbitrary Authorization headers (JWTs, API keys,
// garbage) to the authenticator: it never panics, never accepts a forged
// credential, and fails only with EUNAUTHORIZED.
func FuzzAuthenticate(f *testing.F) {
	for _, s := range []string{"", "Bearer ", "Bearer emnkg_x", "Basic abc",
		"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.",
		"Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "Bearer a.b.c.d"} {
		f.Add(s)
	}
	a, err := New(context.Background(), Config{HS256Secret: []byte("0123456789abcdef0123456789abcdef")}, noKeys{}, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, header string) {
		p, err := a.Authenticate(context.Background(), header)
		if err == nil {
			if !p.IsAnonymous() {
				t.Fatalf("accepted %q as %+v", header, p)
			}
			return
		}
		var e *emnkg.Error
		if !errors.As(err, &e) || e.Code != emnkg.EUNAUTHORIZED {
			t.Fatalf("error %v for %q", err, header)
		}
	})
}
