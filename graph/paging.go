package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// pageArgs are the Relay arguments of a connection field.
type pageArgs struct {
	First, Last   *int
	After, Before *string
}

// pageWindow is what a connection asks the store for.
type pageWindow struct {
	// Offset and Limit select the rows, in the requested order or, when
	// Reverse is set, in the reversed order (for last without before).
	Offset, Limit int
	Reverse       bool
	// After is the offset the results must lie beyond (-1 for none), used
	// to trim a reversed page.
	After int
	// Before is the exclusive end offset, or -1.
	Before int
}

const cursorPrefix = "offset:"

// encodeCursor returns the opaque cursor of the row at offset.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// decodeCursor returns the offset a cursor stands for.
func decodeCursor(arg, cursor string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(raw), cursorPrefix) {
		return 0, emnkg.FieldErrorf(emnkg.EINVALID, arg, "Invalid cursor in %q.", arg)
	}
	n, err := strconv.Atoi(string(raw[len(cursorPrefix):]))
	if err != nil || n < 0 || n > 1<<31 {
		return 0, emnkg.FieldErrorf(emnkg.EINVALID, arg, "Invalid cursor in %q.", arg)
	}
	return n, nil
}

// window turns Relay arguments into a store window.
func (a pageArgs) window(defaultSize int) (pageWindow, error) {
	w := pageWindow{After: -1, Before: -1}
	for name, v := range map[string]*int{"first": a.First, "last": a.Last} {
		if v != nil && (*v < 0 || *v > emnkg.MaxPageSize) {
			return w, emnkg.FieldErrorf(emnkg.EINVALID, name, "%s must be between 0 and %d.", name, emnkg.MaxPageSize)
		}
	}
	if a.First != nil && a.Last != nil {
		return w, emnkg.Errorf(emnkg.EINVALID, "Give first or last, not both.")
	}
	if a.After != nil {
		n, err := decodeCursor("after", *a.After)
		if err != nil {
			return w, err
		}
		w.After = n
	}
	if a.Before != nil {
		n, err := decodeCursor("before", *a.Before)
		if err != nil {
			return w, err
		}
		w.Before = n
	}
	start := w.After + 1
	switch {
	case a.Last != nil && w.Before < 0:
		// The last rows: read the reversed order, trimmed to after later.
		w.Reverse, w.Offset, w.Limit = true, 0, *a.Last
	case a.Last != nil:
		s := w.Before - *a.Last
		if s < start {
			s = start
		}
		w.Offset, w.Limit = s, max(0, w.Before-s)
	default:
		size := defaultSize
		if a.First != nil {
			size = *a.First
		}
		if w.Before >= 0 && w.Before-start < size {
			size = max(0, w.Before-start)
		}
		w.Offset, w.Limit = start, size
	}
	return w, nil
}

// sorts returns the sort to send to the store for this window.
func (w pageWindow) sorts(s []emnkg.SortField) []emnkg.SortField {
	if !w.Reverse {
		return s
	}
	out := make([]emnkg.SortField, 0, len(s)+1)
	for _, f := range s {
		f.Desc = !f.Desc
		out = append(out, f)
	}
	return append(out, emnkg.SortField{Field: "id", Desc: true})
}

// placed is one row of a page with its absolute offset.
type placed[T any] struct {
	Offset int
	Item   T
}

// arrange puts the rows a store returned for window w in their final
// order, with absolute offsets, and computes the page info. total is the
// number of all rows, or -1 when unknown; hasMore is the store's answer.
func arrange[T any](w pageWindow, items []T, total int, hasMore bool) ([]placed[T], *model.PageInfo) {
	var out []placed[T]
	info := &model.PageInfo{}
	if w.Reverse {
		// Reversed rows: items[0] is the last row overall.
		for i := len(items) - 1; i >= 0; i-- {
			off := total - 1 - i
			if off <= w.After {
				continue
			}
			out = append(out, placed[T]{Offset: off, Item: items[i]})
		}
		info.HasPreviousPage = hasMore && (len(out) == 0 || out[0].Offset > w.After+1)
		info.HasNextPage = false
	} else {
		for i, it := range items {
			out = append(out, placed[T]{Offset: w.Offset + i, Item: it})
		}
		info.HasPreviousPage = w.Offset > 0
		info.HasNextPage = hasMore
		if w.Before >= 0 && total >= 0 {
			info.HasNextPage = w.Before < total
		}
	}
	if len(out) > 0 {
		s, e := encodeCursor(out[0].Offset), encodeCursor(out[len(out)-1].Offset)
		info.StartCursor, info.EndCursor = &s, &e
	}
	return out, info
}
