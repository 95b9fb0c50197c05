package emnkg_test

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// TestNormalizeOwnedProps checks that normalising in place gives what
// NormalizeProps gives, values converted and nil values dropped, and
// fails where it fails.
func TestNormalizeOwnedProps(t *testing.T) {
	tests := []struct {
		name    string
		kind    emnkg.Kind
		props   map[string]any
		want    map[string]any
		wantErr string // the field of the expected error
	}{
		{"empty", emnkg.KindDocument, map[string]any{}, map[string]any{}, ""},
		{"conversions", emnkg.KindDocument,
			map[string]any{"title": "A study", "year": json.Number("2019"), "languages": []any{"en", "fr"}, "date": nil},
			map[string]any{"title": "A study", "year": int64(2019), "languages": []string{"en", "fr"}}, ""},
		{"float year", emnkg.KindDocument, map[string]any{"year": 2020.0}, map[string]any{"year": int64(2020)}, ""},
		{"multilingual", emnkg.KindGlossaryTerm,
			map[string]any{"prefLabel_en": "return", "altLabels_de": []any{"Rückkehr"}, "scopeNote_fr": nil},
			map[string]any{"prefLabel_en": "return", "altLabels_de": []string{"Rückkehr"}}, ""},
		{"bool", emnkg.KindCountry, map[string]any{"euMember": true}, map[string]any{"euMember": true}, ""},
		{"unknown key", emnkg.KindDocument, map[string]any{"title": "x", "colour": "red"}, nil, "colour"},
		{"wrong type", emnkg.KindDocument, map[string]any{"year": "soon"}, nil, "year"},
		{"bad language key", emnkg.KindGlossaryTerm, map[string]any{"prefLabel_english": "x"}, nil, "prefLabel_english"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs := emnkg.NodeProps(tt.kind)
			copied, copyErr := emnkg.NormalizeProps(defs, maps.Clone(tt.props))
			owned := maps.Clone(tt.props)
			ownErr := emnkg.NormalizeOwnedProps(defs, owned)
			if tt.wantErr != "" {
				for name, err := range map[string]error{"NormalizeProps": copyErr, "NormalizeOwnedProps": ownErr} {
					var e *emnkg.Error
					if !errors.As(err, &e) || e.Code != emnkg.EINVALID || e.Field != tt.wantErr {
						t.Errorf("%s: got error %v, want EINVALID on %q", name, err, tt.wantErr)
					}
				}
				return
			}
			if copyErr != nil || ownErr != nil {
				t.Fatalf("errors: %v, %v", copyErr, ownErr)
			}
			if !reflect.DeepEqual(copied, tt.want) {
				t.Errorf("NormalizeProps: got %#v, want %#v", copied, tt.want)
			}
			if !reflect.DeepEqual(owned, tt.want) {
				t.Errorf("NormalizeOwnedProps: got %#v, want %#v", owned, tt.want)
			}
		})
	}
}
