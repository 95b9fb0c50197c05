package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
)

func TestNewAPIKey(t *testing.T) {
	now := time.Date(2026, 3, 1, 13, 0, 0, 0, time.FixedZone("CET", 3600))
	secret, k, err := NewAPIKey("  alice  ", emnkg.RoleEditor, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, APIKeyPrefix) || len(secret) != apiKeySecretLen || !wellFormedAPIKey(secret) {
		t.Errorf("secret %q is not well formed", secret)
	}
	if !strings.HasPrefix(k.ID, "key_") || len(k.ID) != len("key_")+16 {
		t.Errorf("ID = %q", k.ID)
	}
	if k.Name != "alice" || k.Role != emnkg.RoleEditor || k.RevokedAt != nil {
		t.Errorf("key = %+v", k)
	}
	if !k.CreatedAt.Equal(now) || k.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want %v in UTC", k.CreatedAt, now)
	}
	if k.Hash != HashAPIKey(secret) || len(k.Hash) != 64 || strings.Contains(k.Hash, secret) {
		t.Errorf("Hash = %q", k.Hash)
	}
	secret2, k2, err := NewAPIKey("alice", emnkg.RoleEditor, now)
	if err != nil {
		t.Fatal(err)
	}
	if secret2 == secret || k2.ID == k.ID || k2.Hash == k.Hash {
		t.Error("two keys are alike")
	}
	// The hash is the hex SHA-256 of the whole secret.
	if got := HashAPIKey("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashAPIKey(abc) = %s", got)
	}

	bad := []struct {
		name  string
		role  emnkg.Role
		field string
	}{
		{"", emnkg.RoleEditor, "name"},
		{"   ", emnkg.RoleEditor, "name"},
		{strings.Repeat("n", MaxAPIKeyNameLen+1), emnkg.RoleEditor, "name"},
		{"bad\nname", emnkg.RoleEditor, "name"},
		{"bob", emnkg.RoleAnonymous, "role"},
		{"bob", "root", "role"},
		{"bob", "", "role"},
	}
	for _, b := range bad {
		_, _, err := NewAPIKey(b.name, b.role, now)
		e, ok := err.(*emnkg.Error)
		if !ok || e.Code != emnkg.EINVALID || e.Field != b.field {
			t.Errorf("NewAPIKey(%.10q, %q) err = %v, want EINVALID on %s", b.name, b.role, err, b.field)
		}
	}
}

func TestAPIKeyAuthentication(t *testing.T) {
	ctx := context.Background()
	store := &fakeKeys{}
	add := func(name string, role emnkg.Role, revoked bool) string {
		secret, k, err := NewAPIKey(name, role, t0)
		if err != nil {
			t.Fatal(err)
		}
		if revoked {
			at := t0.Add(time.Minute)
			k.RevokedAt = &at
		}
		store.add(k)
		return secret
	}
	editorKey := add("alice", emnkg.RoleEditor, false)
	adminKey := add("ops", emnkg.RoleAdmin, false)
	revokedKey := add("old", emnkg.RoleAdmin, true)
	unknownKey, _, err := NewAPIKey("ghost", emnkg.RoleAdmin, t0)
	if err != nil {
		t.Fatal(err)
	}
	// A stored key whose role is invalid (a corrupt row) is refused.
	brokenKey, broken, err := NewAPIKey("broken", emnkg.RoleEditor, t0)
	if err != nil {
		t.Fatal(err)
	}
	broken.Role = "root"
	store.add(broken)

	a, err := New(ctx, Config{HS256Secret: testSecret}, store, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key string
		want      Principal
		errHas    string
		lookup    bool // whether the store is consulted
	}{
		{"editor", editorKey, Principal{Subject: "apikey:alice", Role: emnkg.RoleEditor, Via: ViaAPIKey}, "", true},
		{"admin", adminKey, Principal{Subject: "apikey:ops", Role: emnkg.RoleAdmin, Via: ViaAPIKey}, "", true},
		{"revoked", revokedKey, Principal{}, "revoked", true},
		{"unknown", unknownKey, Principal{}, "Invalid API key", true},
		{"invalid stored role", brokenKey, Principal{}, "no valid role", true},
		{"too short", APIKeyPrefix + "abc", Principal{}, "Invalid API key", false},
		{"too long", editorKey + "A", Principal{}, "Invalid API key", false},
		{"not base64url", APIKeyPrefix + strings.Repeat("*", apiKeySecretLen-len(APIKeyPrefix)), Principal{}, "Invalid API key", false},
		{"one character changed", editorKey[:len(editorKey)-2] + flip(editorKey[len(editorKey)-2]) + editorKey[len(editorKey)-1:], Principal{}, "Invalid API key", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := store.lookups()
			got, err := a.Authenticate(ctx, "Bearer "+tt.key)
			if looked := store.lookups() > before; looked != tt.lookup {
				t.Errorf("store consulted: %v, want %v", looked, tt.lookup)
			}
			if tt.errHas != "" {
				wantUnauthorized(t, err, tt.errHas, tt.key)
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

	t.Run("store failure", func(t *testing.T) {
		failing := &fakeKeys{err: emnkg.Errorf(emnkg.EUNAVAILABLE, "The store is unavailable.")}
		b, err := New(ctx, Config{}, failing, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.Authenticate(ctx, "Bearer "+editorKey)
		if code := emnkg.ErrorCode(err); code != emnkg.EUNAVAILABLE {
			t.Errorf("code = %q, want %q (%v)", code, emnkg.EUNAVAILABLE, err)
		}
		if strings.Contains(err.Error(), editorKey) {
			t.Errorf("error echoes the key: %v", err)
		}
	})

	t.Run("no key store", func(t *testing.T) {
		b, err := New(ctx, Config{HS256Secret: testSecret}, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.Authenticate(ctx, "Bearer "+editorKey)
		wantUnauthorized(t, err, "not accepted", editorKey)
	})
}

// flip returns a different base64url character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
