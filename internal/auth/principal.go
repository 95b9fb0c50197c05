package auth

import (
	"context"
	"fmt"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// How a principal was authenticated: the values of Principal.Via.
const (
	ViaJWT       = "jwt"
	ViaAPIKey    = "apikey"
	ViaAnonymous = "anonymous"
)

// Principal is the caller of a request: who it is and what it may do.
type Principal struct {
	// Subject identifies the caller: the "sub" claim of a JWT,
	// "apikey:<name>" for an API key, or "anonymous".
	Subject string
	// Role is what the caller may do.
	Role emnkg.Role
	// Via tells how the caller was authenticated: ViaJWT, ViaAPIKey or
	// ViaAnonymous.
	Via string
}

// Anonymous returns the principal of a caller that presented no
// credentials.
func Anonymous() Principal {
	return Principal{Subject: "anonymous", Role: emnkg.RoleAnonymous, Via: ViaAnonymous}
}

// IsAnonymous reports whether p presented no credentials.
func (p Principal) IsAnonymous() bool {
	return p.Via == ViaAnonymous || p.Via == ""
}

// principalKey is the context key of the principal.
type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal ctx carries, or the anonymous
// principal when it carries none or one without a valid role.
func PrincipalFrom(ctx context.Context) Principal {
	p, ok := ctx.Value(principalKey{}).(Principal)
	if !ok || !p.Role.Valid() || p.IsAnonymous() {
		return Anonymous()
	}
	return p
}

// Require checks that the caller in ctx has at least the given role. It
// fails with EUNAUTHORIZED when the caller is anonymous and a higher role
// is needed, and with EFORBIDDEN when the caller is authenticated but its
// role is too low. An unknown role is a programming error and fails with
// an internal error, so that a typo never grants access.
func Require(ctx context.Context, role emnkg.Role) error {
	if !role.Valid() {
		return fmt.Errorf("auth: require unknown role %q", role)
	}
	p := PrincipalFrom(ctx)
	if p.Role.Rank() >= role.Rank() {
		return nil
	}
	if p.IsAnonymous() {
		return emnkg.Errorf(emnkg.EUNAUTHORIZED, "Authentication is required: sign in with a bearer token.")
	}
	return emnkg.Errorf(emnkg.EFORBIDDEN, "This needs the %s role; you have the %s role.", role, p.Role)
}
