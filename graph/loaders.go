package graph

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// relatedKey identifies one batchable relationship query: every parent
// asking for the same relationship with the same arguments shares a loader.
type relatedKey struct {
	Type      emnkg.RelType
	Direction emnkg.Direction
	OtherKind emnkg.Kind
	Args      string
}

// loaders holds the request-scoped batching loaders. A new set is made for
// every operation, so nothing is cached across requests.
type loaders struct {
	store emnkg.Store
	wait  time.Duration

	mu      sync.Mutex
	related map[relatedKey]*dataloadgen.Loader[string, *emnkg.RelatedPage]
}

type loadersKey struct{}

// withLoaders returns a context carrying a fresh set of loaders.
func withLoaders(ctx context.Context, store emnkg.Store, wait time.Duration) context.Context {
	return context.WithValue(ctx, loadersKey{}, &loaders{
		store: store, wait: wait,
		related: map[relatedKey]*dataloadgen.Loader[string, *emnkg.RelatedPage]{},
	})
}

// loadersFrom returns the loaders of ctx, making a private set when the
// context has none (a resolver called outside the HTTP handler).
func (r *Resolver) loadersFrom(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return &loaders{store: r.Store, wait: r.BatchWait,
		related: map[relatedKey]*dataloadgen.Loader[string, *emnkg.RelatedPage]{}}
}

// loadRelated returns the page of q for one parent node, batching all
// parents that ask the same question into one store round trip.
func (l *loaders) loadRelated(ctx context.Context, parentID string, q emnkg.RelatedQuery) (*emnkg.RelatedPage, error) {
	args, err := json.Marshal(struct {
		F, E *emnkg.Filter
		S    []emnkg.SortField
		O, L int
		T    bool
	}{q.Filter, q.EdgeFilter, q.Sort, q.Offset, q.Limit, q.WithTotal})
	if err != nil {
		return nil, err
	}
	key := relatedKey{Type: q.Type, Direction: q.Direction, OtherKind: q.OtherKind, Args: string(args)}
	l.mu.Lock()
	ld, ok := l.related[key]
	if !ok {
		template := q
		ld = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*emnkg.RelatedPage, []error) {
			bq := template
			bq.NodeIDs = ids
			pages, err := l.store.FindRelated(ctx, bq)
			out := make([]*emnkg.RelatedPage, len(ids))
			errs := make([]error, len(ids))
			for i, id := range ids {
				if err != nil {
					errs[i] = err
					continue
				}
				out[i] = pages[id]
				if out[i] == nil {
					out[i] = &emnkg.RelatedPage{}
				}
			}
			return out, errs
		}, dataloadgen.WithWait(l.wait), dataloadgen.WithBatchCapacity(emnkg.MaxQueryIDs))
		l.related[key] = ld
	}
	l.mu.Unlock()
	return ld.Load(ctx, parentID)
}
