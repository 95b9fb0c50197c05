package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// APIKeyPrefix starts every API key secret, so that a bearer token can be
// told apart from a JWT (which starts with "ey") and found by secret
// scanners.
const APIKeyPrefix = "emnkg_"

// apiKeyRandomBytes is the entropy of an API key secret: 256 bits.
const apiKeyRandomBytes = 32

// apiKeySecretLen is the length of a secret: the prefix and the unpadded
// base64url encoding of the random bytes.
const apiKeySecretLen = len(APIKeyPrefix) + (apiKeyRandomBytes*8+5)/6

// MaxAPIKeyNameLen is the longest name an API key may have, in characters.
const MaxAPIKeyNameLen = 100

// APIKeyStore finds API keys by the hash of their secret. An emnkg.Editor
// satisfies it.
type APIKeyStore interface {
	// APIKeyByHash returns the key with this hash, or an ENOTFOUND error.
	APIKeyByHash(ctx context.Context, hash string) (*emnkg.APIKey, error)
}

// HashAPIKey returns the hash under which the key with this secret is
// stored: the hex SHA-256 of the whole secret. A fast unsalted hash is
// enough because secrets are 256-bit random values, not passwords.
func HashAPIKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NewAPIKey makes a new API key for role with the given name, created at
// now. It returns the secret, to be shown once to the caller, and the key
// to store, which holds only the secret's hash. The role must be
// researcher, editor or admin, and the name must be non-empty.
func NewAPIKey(name string, role emnkg.Role, now time.Time) (secret string, key emnkg.APIKey, err error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", emnkg.APIKey{}, emnkg.FieldErrorf(emnkg.EINVALID, "name", "An API key needs a name.")
	case utf8.RuneCountInString(name) > MaxAPIKeyNameLen:
		return "", emnkg.APIKey{}, emnkg.FieldErrorf(emnkg.EINVALID, "name",
			"An API key name has at most %d characters.", MaxAPIKeyNameLen)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, isControl):
		return "", emnkg.APIKey{}, emnkg.FieldErrorf(emnkg.EINVALID, "name",
			"An API key name must be printable text.")
	case !role.Valid() || role == emnkg.RoleAnonymous:
		return "", emnkg.APIKey{}, emnkg.FieldErrorf(emnkg.EINVALID, "role",
			"Role %q is not one of researcher, editor or admin.", role)
	}
	random := make([]byte, apiKeyRandomBytes)
	if _, err := rand.Read(random); err != nil {
		return "", emnkg.APIKey{}, err
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return "", emnkg.APIKey{}, err
	}
	secret = APIKeyPrefix + base64.RawURLEncoding.EncodeToString(random)
	key = emnkg.APIKey{
		ID:        "key_" + hex.EncodeToString(id),
		Name:      name,
		Role:      role,
		Hash:      HashAPIKey(secret),
		CreatedAt: now.UTC(),
	}
	return secret, key, nil
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f
}

// wellFormedAPIKey reports whether secret could have been made by
// NewAPIKey, so that garbage never reaches the store.
func wellFormedAPIKey(secret string) bool {
	if len(secret) != apiKeySecretLen || !strings.HasPrefix(secret, APIKeyPrefix) {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(secret[len(APIKeyPrefix):])
	return err == nil
}

// authenticateAPIKey returns the principal of the API key with this
// secret. Unknown, revoked and malformed keys fail with EUNAUTHORIZED;
// other store failures are returned wrapped.
func (a *Authenticator) authenticateAPIKey(ctx context.Context, secret string) (Principal, error) {
	if a.keys == nil {
		return Principal{}, unauthorized("API keys are not accepted by this server.")
	}
	if !wellFormedAPIKey(secret) {
		return Principal{}, unauthorized("Invalid API key.")
	}
	hash := HashAPIKey(secret)
	k, err := a.keys.APIKeyByHash(ctx, hash)
	if emnkg.ErrorCode(err) == emnkg.ENOTFOUND || (err == nil && k == nil) {
		return Principal{}, unauthorized("Invalid API key.")
	} else if err != nil {
		return Principal{}, fmt.Errorf("auth: look up API key: %w", err)
	}
	if k.Hash != hash {
		return Principal{}, unauthorized("Invalid API key.")
	}
	if k.RevokedAt != nil {
		return Principal{}, unauthorized("This API key has been revoked.")
	}
	if !k.Role.Valid() || k.Role == emnkg.RoleAnonymous {
		return Principal{}, unauthorized("This API key has no valid role.")
	}
	return Principal{Subject: "apikey:" + k.Name, Role: k.Role, Via: ViaAPIKey}, nil
}
