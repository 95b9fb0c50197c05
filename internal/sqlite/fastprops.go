package sqlite

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Reading properties is the bulk of the work of queries that return many
// nodes (a neighbourhood's expansion returns thousands), so the stored JSON
// is decoded by a small scanner that knows its shape: one flat object, as
// encodeProps writes it, whose values are text, numbers, booleans and lists
// of text. It produces what decodeProps produces and gives up on anything
// else (an escape sequence, an unknown key, a value of another type, odd
// syntax), in which case decodeProps decodes the text.

// propIndex maps property keys to their definitions: the keys of the
// plain properties and of the multilingual ones in every ISO 639-1
// language. Keys not in it are resolved with emnkg.LookupProp.
type propIndex map[string]emnkg.PropDef

// newPropIndex indexes defs. It is built once, when the store opens.
func newPropIndex(defs []emnkg.PropDef) propIndex {
	idx := make(propIndex)
	for _, d := range defs {
		if !d.Multilingual {
			idx[d.Name] = d
			continue
		}
		for _, lang := range emnkg.LanguageCodes() {
			idx[emnkg.LangKey(d.Name, lang)] = d
		}
	}
	return idx
}

// decodeFast decodes stored properties with the index of their
// definitions, falling back to decodeProps.
func decodeFast(idx propIndex, defs []emnkg.PropDef, what, id, text string) (map[string]any, error) {
	if p, ok := scanProps(idx, defs, text); ok {
		return p, nil
	}
	return decodeProps(defs, what, id, text)
}

// scanner reads one JSON text.
type scanner struct {
	s string
	i int
}

func (sc *scanner) skipSpace() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// next skips spaces and returns the next byte, or 0 at the end.
func (sc *scanner) next() byte {
	sc.skipSpace()
	if sc.i == len(sc.s) {
		return 0
	}
	return sc.s[sc.i]
}

// str reads a string without escapes; ok is false for anything else.
func (sc *scanner) str() (string, bool) {
	if sc.next() != '"' {
		return "", false
	}
	start := sc.i + 1
	for j := start; j < len(sc.s); j++ {
		switch c := sc.s[j]; {
		case c == '"':
			sc.i = j + 1
			v := sc.s[start:j]
			return v, utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// literal reads word (true, false, null) if it comes next.
func (sc *scanner) literal(word string) bool {
	if strings.HasPrefix(sc.s[sc.i:], word) {
		sc.i += len(word)
		return true
	}
	return false
}

// number reads the text of a number.
func (sc *scanner) number() string {
	start := sc.i
	for sc.i < len(sc.s) {
		switch c := sc.s[sc.i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			sc.i++
		default:
			return sc.s[start:sc.i]
		}
	}
	return sc.s[start:]
}

// list reads a list of strings.
func (sc *scanner) list() ([]string, bool) {
	sc.i++ // '['
	out := []string{}
	if sc.next() == ']' {
		sc.i++
		return out, true
	}
	for {
		v, ok := sc.str()
		if !ok || len(v) > emnkg.MaxStringLength {
			return nil, false
		}
		out = append(out, v)
		switch sc.next() {
		case ',':
			sc.i++
		case ']':
			sc.i++
			return out, true
		default:
			return nil, false
		}
	}
}

// value reads the value of a property of definition d; absent is true for
// null.
func (sc *scanner) value(d emnkg.PropDef) (v any, absent, ok bool) {
	t := d.Type
	switch c := sc.next(); {
	case c == 'n':
		return nil, true, sc.literal("null")
	case c == 't' || c == 'f':
		if t != emnkg.PropBool {
			return nil, false, false
		}
		if sc.literal("true") {
			return true, false, true
		}
		return false, false, sc.literal("false")
	case c == '"':
		if t != emnkg.PropString && t != emnkg.PropDate {
			return nil, false, false
		}
		s, ok := sc.str()
		limit := emnkg.MaxStringLength
		if d.Sortable {
			limit = emnkg.MaxIndexedLength
		}
		return s, false, ok && len(s) <= limit
	case c == '[':
		if t != emnkg.PropStringList {
			return nil, false, false
		}
		l, ok := sc.list()
		return l, false, ok
	case c == '-' || (c >= '0' && c <= '9'):
		num := sc.number()
		switch t {
		case emnkg.PropInt:
			i, err := strconv.ParseInt(num, 10, 64)
			return i, false, err == nil
		case emnkg.PropFloat:
			f, err := strconv.ParseFloat(num, 64)
			return f, false, err == nil
		}
	}
	return nil, false, false
}

// scanProps decodes a flat JSON object of properties; ok is false when it
// cannot, and decodeProps must.
func scanProps(idx propIndex, defs []emnkg.PropDef, text string) (map[string]any, bool) {
	sc := &scanner{s: text}
	if sc.next() != '{' {
		return nil, false
	}
	sc.i++
	out := make(map[string]any, strings.Count(text, `":`))
	if sc.next() == '}' {
		sc.i++
		return out, sc.next() == 0
	}
	for {
		key, ok := sc.str()
		if !ok || sc.next() != ':' {
			return nil, false
		}
		sc.i++
		d, known := idx[key]
		if !known {
			if d, known = emnkg.LookupProp(defs, key); !known {
				return nil, false
			}
		}
		v, absent, ok := sc.value(d)
		if !ok {
			return nil, false
		}
		if absent {
			delete(out, key)
		} else {
			out[key] = v
		}
		switch sc.next() {
		case ',':
			sc.i++
		case '}':
			sc.i++
			return out, sc.next() == 0
		default:
			return nil, false
		}
	}
}
