package graph

import (
	"encoding/json"
	"testing"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// FuzzDecodeCursor feeds arbitrary cursors to the cursor parser: it never
// panics, and a cursor it accepts encodes back to the same offset.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{encodeCursor(0), encodeCursor(12345), "", "bm9wZQ", "b2Zmc2V0Oi0x", "%%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := decodeCursor("after", s)
		if err != nil {
			if emnkg.ErrorCode(err) != emnkg.EINVALID {
				t.Fatalf("code %s for %q", emnkg.ErrorCode(err), s)
			}
			return
		}
		if m, err := decodeCursor("after", encodeCursor(n)); err != nil || m != n {
			t.Fatalf("round trip of %d: %d, %v", n, m, err)
		}
	})
}

// FuzzBuildFilter feeds arbitrary JSON where-inputs to the filter parser
// for every kind: it never panics, and a filter it builds passes the
// domain's validation.
func FuzzBuildFilter(f *testing.F) {
	for _, s := range []string{
		`{"name":{"eq":"x"}}`,
		`{"OR":[{"id":{"eq":"NO"}},{"NOT":{"emnStatus":{"in":["member"]}}}]}`,
		`{"year":{"gte":2014,"lt":2020}}`,
		`{"prefLabel":{"language":"de","startsWith":"Rück"}}`,
		`{"AND":[{"AND":[{"AND":[{"AND":[{"AND":[{"AND":[{"AND":[{"AND":[{"AND":[{}]}]}]}]}]}]}]}]}]}`,
		`{"name":{"eq":1}}`, `{"x') RETURN 1 //":{"eq":"a"}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var where map[string]any
		if json.Unmarshal([]byte(s), &where) != nil {
			return
		}
		for _, k := range append(emnkg.Kinds(), "") {
			defs := kindDefs(k)
			filter, err := buildFilter(where, defs)
			if err != nil {
				if emnkg.ErrorCode(err) != emnkg.EINVALID {
					t.Fatalf("code %s for %s", emnkg.ErrorCode(err), s)
				}
				continue
			}
			if err := emnkg.ValidateFilter(filter, defs); err != nil {
				t.Fatalf("built an invalid filter from %s: %v", s, err)
			}
		}
	})
}

// FuzzPatternNode feeds arbitrary pattern-node inputs to the pattern
// parser: it never panics and fails only with EINVALID.
func FuzzPatternNode(f *testing.F) {
	for _, s := range []string{
		`{"kind":"COUNTRY","ids":["NO"],"where":[{"property":"name","op":"EQ","value":"Norway"}]}`,
		`{"where":[{"property":"prefLabel","language":"fr","op":"IN","value":["retour"]}]}`,
		`{"where":[{"property":"year","op":"GT","value":"x"}]}`, `{"kind":"NOPE"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil {
			return
		}
		plain, err := plainJSON(m)
		if err != nil {
			return
		}
		if _, err := patternNode(plain); err != nil && emnkg.ErrorCode(err) != emnkg.EINVALID {
			t.Fatalf("code %s for %s", emnkg.ErrorCode(err), s)
		}
	})
}
