package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/emnkg/emnkg/internal/emnkg"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef-test-secret")

func newHS256(t *testing.T, edit func(*Config)) *Authenticator {
	t.Helper()
	cfg := Config{
		HS256Secret: testSecret,
		Issuer:      "https://idp.example.org",
		Audience:    "emnkg",
		Leeway:      30 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(context.Background(), cfg, nil, newClock().Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestHS256(t *testing.T) {
	hs := func(edit func(map[string]any)) func(*testing.T) string {
		return func(t *testing.T) string { return sign(t, jose.HS256, testSecret, "", claims(edit)) }
	}
	tests := []struct {
		name   string
		cfg    func(*Config)
		token  func(*testing.T) string
		want   Principal // when err is empty
		errHas string
	}{
		{name: "valid", token: hs(nil),
			want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "researcher", token: hs(func(c map[string]any) { c["role"] = "researcher" }),
			want: Principal{Subject: "alice", Role: emnkg.RoleResearcher, Via: ViaJWT}},
		{name: "audience array", token: hs(func(c map[string]any) { c["aud"] = []string{"other", "emnkg"} }),
			want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "expired", token: hs(func(c map[string]any) { c["exp"] = t0.Add(-time.Minute).Unix() }),
			errHas: "expired"},
		{name: "expired within leeway", token: hs(func(c map[string]any) { c["exp"] = t0.Add(-10 * time.Second).Unix() }),
			want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "expired without leeway", cfg: func(c *Config) { c.Leeway = 0 },
			token:  hs(func(c map[string]any) { c["exp"] = t0.Add(-10 * time.Second).Unix() }),
			errHas: "expired"},
		{name: "no expiry", token: hs(func(c map[string]any) { delete(c, "exp") }),
			errHas: "no expiry"},
		{name: "not valid yet", token: hs(func(c map[string]any) { c["nbf"] = t0.Add(time.Minute).Unix() }),
			errHas: "not valid yet"},
		{name: "nbf within leeway", token: hs(func(c map[string]any) { c["nbf"] = t0.Add(10 * time.Second).Unix() }),
			want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "issued in the future", token: hs(func(c map[string]any) { c["iat"] = t0.Add(time.Hour).Unix() }),
			errHas: "issued in the future"},
		{name: "wrong issuer", token: hs(func(c map[string]any) { c["iss"] = "https://evil.example.org" }),
			errHas: "issuer"},
		{name: "no issuer", token: hs(func(c map[string]any) { delete(c, "iss") }),
			errHas: "issuer"},
		{name: "issuer not checked when not configured", cfg: func(c *Config) { c.Issuer = "" },
			token: hs(func(c map[string]any) { c["iss"] = "https://anyone.example.org" }),
			want:  Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "wrong audience", token: hs(func(c map[string]any) { c["aud"] = "other" }),
			errHas: "audience"},
		{name: "no audience", token: hs(func(c map[string]any) { delete(c, "aud") }),
			errHas: "audience"},
		{name: "audience not checked when not configured", cfg: func(c *Config) { c.Audience = "" },
			token: hs(func(c map[string]any) { c["aud"] = "other" }),
			want:  Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "no subject", token: hs(func(c map[string]any) { delete(c, "sub") }),
			errHas: "no subject"},
		{name: "bad signature",
			token: func(t *testing.T) string {
				return sign(t, jose.HS256, []byte("another-secret-another-secret-another"), "", claims(nil))
			},
			errHas: "signature is invalid"},
		{name: "tampered payload",
			token: func(t *testing.T) string {
				good := strings.Split(sign(t, jose.HS256, testSecret, "", claims(nil)), ".")
				forged := strings.Split(unsigned(t, map[string]any{"alg": "HS256"},
					claims(func(c map[string]any) { c["role"] = "admin" })), ".")
				return good[0] + "." + forged[1] + "." + good[2]
			},
			errHas: "signature is invalid"},
		{name: "alg none",
			token: func(t *testing.T) string {
				return unsigned(t, map[string]any{"alg": "none", "typ": "JWT"}, claims(func(c map[string]any) { c["role"] = "admin" }))
			},
			errHas: "not accepted"},
		{name: "alg None",
			token: func(t *testing.T) string {
				return unsigned(t, map[string]any{"alg": "None"}, claims(nil)) + "c2ln"
			},
			errHas: "not accepted"},
		{name: "HS512 is not accepted",
			token: func(t *testing.T) string {
				return sign(t, jose.HS512, append(testSecret, testSecret...), "", claims(nil))
			},
			errHas: "not accepted"},
		{name: "RS256 without a key set",
			token: func(t *testing.T) string {
				return sign(t, jose.RS256, testRSAKey(t), "r1", claims(nil))
			},
			errHas: "not accepted"},
		{name: "malformed", token: func(*testing.T) string { return "abc.def" }, errHas: "malformed"},
		{name: "garbage segments", token: func(*testing.T) string { return "e30.e30.e30" }, errHas: "malformed"},
		{name: "unknown role", token: hs(func(c map[string]any) { c["role"] = "superuser" }),
			errHas: "no valid role"},
		{name: "no role", token: hs(func(c map[string]any) { delete(c, "role") }),
			errHas: "no valid role"},
		{name: "role not a string", token: hs(func(c map[string]any) { c["role"] = 3 }),
			errHas: "no valid role"},
		{name: "roles array: highest valid role wins",
			token: hs(func(c map[string]any) {
				delete(c, "role")
				c["roles"] = []any{"offline_access", "researcher", "admin", "editor", 7}
			}),
			want: Principal{Subject: "alice", Role: emnkg.RoleAdmin, Via: ViaJWT}},
		{name: "roles array and role claim: highest wins",
			token: hs(func(c map[string]any) { c["role"] = "researcher"; c["roles"] = []string{"editor"} }),
			want:  Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{name: "roles array without a valid role",
			token:  hs(func(c map[string]any) { delete(c, "role"); c["roles"] = []string{"offline_access"} }),
			errHas: "no valid role"},
		{name: "roles not an array",
			token:  hs(func(c map[string]any) { delete(c, "role"); c["roles"] = map[string]any{"admin": true} }),
			errHas: "no valid role"},
		{name: "custom role claim", cfg: func(c *Config) { c.RoleClaim = "emnkg_role" },
			token: hs(func(c map[string]any) { c["role"] = "superuser"; c["emnkg_role"] = "admin" }),
			want:  Principal{Subject: "alice", Role: emnkg.RoleAdmin, Via: ViaJWT}},
		{name: "custom role claim holding an array", cfg: func(c *Config) { c.RoleClaim = "groups" },
			token: hs(func(c map[string]any) { delete(c, "role"); c["groups"] = []string{"staff", "researcher"} }),
			want:  Principal{Subject: "alice", Role: emnkg.RoleResearcher, Via: ViaJWT}},
		{name: "custom role claim missing", cfg: func(c *Config) { c.RoleClaim = "emnkg_role" },
			token:  hs(nil),
			errHas: "no valid role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newHS256(t, tt.cfg)
			token := tt.token(t)
			got, err := a.Authenticate(context.Background(), "Bearer "+token)
			if tt.errHas != "" {
				wantUnauthorized(t, err, tt.errHas, token)
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAuthorizationHeader(t *testing.T) {
	a := newHS256(t, nil)
	token := sign(t, jose.HS256, testSecret, "", claims(nil))
	tests := []struct {
		header string
		want   Principal
		errHas string
	}{
		{header: "", want: Anonymous()},
		{header: "   ", want: Anonymous()},
		{header: "Bearer " + token, want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{header: "bearer " + token, want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{header: "BEARER   " + token + " ", want: Principal{Subject: "alice", Role: emnkg.RoleEditor, Via: ViaJWT}},
		{header: "Bearer", errHas: "Bearer <token>"},
		{header: "Bearer ", errHas: "Bearer <token>"},
		{header: "Basic YWxpY2U6cHc=", errHas: "Bearer <token>"},
		{header: token, errHas: "Bearer <token>"},
		{header: "Bearer " + token + " extra", errHas: "Bearer <token>"},
		{header: "Bearer " + strings.Repeat("a", maxTokenLen+1), errHas: "too long"},
	}
	for _, tt := range tests {
		got, err := a.Authenticate(context.Background(), tt.header)
		if tt.errHas != "" {
			wantUnauthorized(t, err, tt.errHas, token)
			continue
		}
		if err != nil {
			t.Errorf("%.20q: err = %v", tt.header, err)
		} else if got != tt.want {
			t.Errorf("%.20q: got %+v, want %+v", tt.header, got, tt.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"short secret", Config{HS256Secret: []byte("short")}, "at least 32 bytes"},
		{"negative leeway", Config{Leeway: -time.Second}, "negative"},
		{"file and URL", Config{JWKSFile: "x.json", JWKSURL: "https://idp.example.org/jwks"}, "not both"},
		{"URL without host", Config{JWKSURL: "jwks.json"}, "must look like"},
		{"URL of another scheme", Config{JWKSURL: "ftp://idp.example.org/jwks"}, "must look like"},
		{"plain http to a remote host", Config{JWKSURL: "http://idp.example.org/jwks"}, "https"},
		{"missing file", Config{JWKSFile: "/nonexistent/jwks.json"}, "/nonexistent/jwks.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.cfg, nil, nil, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) {
				t.Errorf("err = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestNoJWTConfigured(t *testing.T) {
	a, err := New(context.Background(), Config{}, &fakeKeys{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	token := sign(t, jose.HS256, testSecret, "", claims(nil))
	_, err = a.Authenticate(context.Background(), "Bearer "+token)
	wantUnauthorized(t, err, "Only API keys", token)
}
