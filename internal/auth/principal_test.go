package auth

import (
	"context"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func TestPrincipalFrom(t *testing.T) {
	ctx := context.Background()
	if got := PrincipalFrom(ctx); got != Anonymous() {
		t.Errorf("empty context: got %+v, want anonymous", got)
	}
	if got := PrincipalFrom(WithPrincipal(ctx, Principal{})); got != Anonymous() {
		t.Errorf("zero principal: got %+v, want anonymous", got)
	}
	if got := PrincipalFrom(WithPrincipal(ctx, Principal{Subject: "x", Role: "root", Via: ViaJWT})); got != Anonymous() {
		t.Errorf("unknown role: got %+v, want anonymous", got)
	}
	p := Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}
	if got := PrincipalFrom(WithPrincipal(ctx, p)); got != p {
		t.Errorf("got %+v, want %+v", got, p)
	}
	if a := Anonymous(); a.Role != emnkg.RoleAnonymous || a.Via != ViaAnonymous || !a.IsAnonymous() {
		t.Errorf("Anonymous() = %+v", a)
	}
}

func TestRequire(t *testing.T) {
	principals := map[string]Principal{
		"anonymous":         Anonymous(),
		"jwt anonymous":     {Subject: "bob", Role: emnkg.RoleAnonymous, Via: ViaJWT},
		"researcher":        {Subject: "r", Role: emnkg.RoleResearcher, Via: ViaJWT},
		"editor":            {Subject: "e", Role: emnkg.RoleEditor, Via: ViaAPIKey},
		"admin":             {Subject: "a", Role: emnkg.RoleAdmin, Via: ViaJWT},
		"admin without via": {Subject: "a", Role: emnkg.RoleAdmin},
	}
	const ok, unauth, forbid = "", emnkg.EUNAUTHORIZED, emnkg.EFORBIDDEN
	tests := []struct {
		principal string
		want      map[emnkg.Role]string
	}{
		{"anonymous", map[emnkg.Role]string{emnkg.RoleAnonymous: ok, emnkg.RoleResearcher: unauth, emnkg.RoleEditor: unauth, emnkg.RoleAdmin: unauth}},
		{"jwt anonymous", map[emnkg.Role]string{emnkg.RoleAnonymous: ok, emnkg.RoleResearcher: forbid, emnkg.RoleEditor: forbid, emnkg.RoleAdmin: forbid}},
		{"researcher", map[emnkg.Role]string{emnkg.RoleAnonymous: ok, emnkg.RoleResearcher: ok, emnkg.RoleEditor: forbid, emnkg.RoleAdmin: forbid}},
		{"editor", map[emnkg.Role]string{emnkg.RoleAnonymous: ok, emnkg.RoleResearcher: ok, emnkg.RoleEditor: ok, emnkg.RoleAdmin: forbid}},
		{"admin", map[emnkg.Role]string{emnkg.RoleAnonymous: ok, emnkg.RoleResearcher: ok, emnkg.RoleEditor: ok, emnkg.RoleAdmin: ok}},
		// A principal that does not say how it was authenticated is
		// treated as anonymous: failing closed.
		{"admin without via", map[emnkg.Role]string{emnkg.RoleAnonymous: ok, emnkg.RoleResearcher: unauth, emnkg.RoleEditor: unauth, emnkg.RoleAdmin: unauth}},
	}
	for _, tt := range tests {
		ctx := WithPrincipal(context.Background(), principals[tt.principal])
		for role, want := range tt.want {
			err := Require(ctx, role)
			if got := emnkg.ErrorCode(err); got != want {
				t.Errorf("%s requires %s: code %q, want %q (%v)", tt.principal, role, got, want, err)
			}
		}
	}
	// Without any principal in the context.
	if got := emnkg.ErrorCode(Require(context.Background(), emnkg.RoleResearcher)); got != unauth {
		t.Errorf("no principal: code %q, want %q", got, unauth)
	}
	// A typo in the required role never grants access.
	admin := WithPrincipal(context.Background(), principals["admin"])
	if got := emnkg.ErrorCode(Require(admin, "superuser")); got != emnkg.EINTERNAL {
		t.Errorf("unknown required role: code %q, want %q", got, emnkg.EINTERNAL)
	}
	// The forbidden message names the roles.
	err := Require(WithPrincipal(context.Background(), principals["researcher"]), emnkg.RoleEditor)
	if msg := emnkg.ErrorMessage(err); msg != "This needs the editor role; you have the researcher role." {
		t.Errorf("message = %q", msg)
	}
}
