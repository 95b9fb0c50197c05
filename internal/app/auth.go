package app

import (
	"context"
	"time"

	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// NewAuthenticator returns the authenticator the config describes. API
// keys are looked up in store when it keeps them.
func NewAuthenticator(ctx context.Context, c *Config, store emnkg.Store) (*auth.Authenticator, error) {
	var keys auth.APIKeyStore
	if ed, ok := store.(emnkg.Editor); ok {
		keys = ed
	}
	return auth.New(ctx, auth.Config{
		HS256Secret: []byte(c.JWTSecret),
		JWKSFile:    c.JWKSFile,
		JWKSURL:     c.JWKSURL,
		Issuer:      c.JWTIssuer,
		Audience:    c.JWTAudience,
		RoleClaim:   c.JWTRoleClaim,
		Leeway:      30 * time.Second,
	}, keys, nil, nil)
}
