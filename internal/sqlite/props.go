package sqlite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// encodeJSON returns the JSON text of v. Map keys are sorted, so equal
// property maps encode to equal text, and HTML characters are not escaped.
func encodeJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// encodeProps returns the stored JSON text of normalised properties.
func encodeProps(what, id string, props map[string]any) (string, error) {
	if props == nil {
		return "{}", nil
	}
	s, err := encodeJSON(props)
	if err != nil {
		// Only a value JSON cannot hold (a NaN or infinite number) fails.
		return "", emnkg.Errorf(emnkg.EINVALID, "%s %s: properties cannot be stored (%v).", what, id, err)
	}
	return s, nil
}

// decodeProps decodes stored JSON properties (numbers as json.Number, so
// that integers stay exact) and normalises them with defs. Stored data that
// does not fit the schema is an internal error, not the caller's.
func decodeProps(defs []emnkg.PropDef, what, id, text string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("sqlite: stored %s %q: bad properties: %v", what, id, err)
	}
	if raw == nil { // the JSON null
		raw = map[string]any{}
	}
	if err := emnkg.NormalizeOwnedProps(defs, raw); err != nil {
		return nil, fmt.Errorf("sqlite: stored %s %q: %s", what, id, emnkg.ErrorMessage(err))
	}
	return raw, nil
}
