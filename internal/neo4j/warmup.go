package neo4j

import (
	"container/list"
	"context"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The warm-up after an outage.
//
// A restarted Neo4j has an empty query cache, so each query the store
// runs is planned again the first time, which on a busy machine made the
// first requests after a restart take 9 to 15 s (docs/reliability.md). The
// store therefore records the queries it ran (queryRecord) and, when
// Neo4j answers again after an outage, runs them once before it reports
// Neo4j available (Store.warmUp), within a time budget.
//
// Neo4j 5 caches a plan under the query text and the types of its
// parameters, with the lengths of string and list parameters. A query
// explained without parameters is not cached at all; explained with
// parameters of the same types and lengths, its later run still took
// about a third of a cold run; run with such parameters, its later run
// was as fast as a hot one (measured by TestProbeExplainWarmsThePlanCache
// in warmup_probe_test.go, see docs/reliability.md). So the record keeps,
// for each query, its text and the shape of its parameters (names, types
// and lengths: no value), and the warm-up runs the queries of read
// transactions with placeholder parameters of that shape, in read-only
// transactions, and only explains those of write transactions (EXPLAIN
// executes nothing; a write run with made-up values would take locks and
// could trip constraints, even if rolled back).
//
// The texts come from the store's query builders: labels and relationship
// types from the domain's allow-lists, property keys validated by the
// domain, numbers such as path lengths, and parameter names; every value
// is a parameter. Researchers' read-only Cypher (readcypher.go) never
// goes through Store.run, so its text is never recorded.

// maxRecordedQueries bounds the record of queries: the most recently run
// ones are kept.
const maxRecordedQueries = 256

// warmQueryTimeout bounds each query of the warm-up (the warm-up's
// budget bounds them all). The first queries a restarted Neo4j runs can
// take seconds on a busy machine (its JVM is cold too), and those are the
// ones worth warming: a lower bound cut them off in measured restarts.
const warmQueryTimeout = 5 * time.Second

// storeTx is the transaction of a store call made by read or write: it
// tells Store.run the access mode, for the record of queries.
type storeTx struct {
	neo4j.ManagedTransaction
	write bool
}

// recordedQuery is a query the store ran: its text, whether it ran in a
// write transaction, and the shape of its parameters.
type recordedQuery struct {
	key    string
	text   string
	write  bool
	params []paramShape
}

// paramShape is the shape of one parameter: its name, its kind and, for
// strings and lists, its length; no value.
type paramShape struct {
	name string
	kind paramKind
	// size is the length of a string (in characters) or a list.
	size int
	// elem is the kind of a list's first element.
	elem paramKind
}

// paramKind is the type of a parameter as the query cache sees it.
type paramKind byte

// The kinds of parameters.
const (
	kindNull paramKind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindList
	kindMap
	kindOther
)

// queryRecord is a bounded record of the distinct queries (text, access
// mode and shape of the parameters) that the store ran, most recent
// first. It is safe for concurrent use; a nil record records nothing.
type queryRecord struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *recordedQuery, most recent first
	byKey map[string]*list.Element
}

// newQueryRecord returns an empty record of at most max queries.
func newQueryRecord(max int) *queryRecord {
	return &queryRecord{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// record notes that cypher ran with params, in a write transaction when
// write is set.
func (r *queryRecord) record(cypher string, params map[string]any, write bool) {
	if r == nil {
		return
	}
	shapes := make([]paramShape, 0, len(params))
	for name, v := range params {
		shapes = append(shapes, shapeOf(name, v))
	}
	sort.Slice(shapes, func(i, j int) bool { return shapes[i].name < shapes[j].name })
	var b strings.Builder
	b.Grow(len(cypher) + 16*len(shapes) + 2)
	if write {
		b.WriteString("w\x00")
	} else {
		b.WriteString("r\x00")
	}
	for _, p := range shapes {
		b.WriteString(p.name)
		b.WriteByte(byte('a' + p.kind))
		b.WriteString(strconv.Itoa(p.size))
		b.WriteByte(byte('a' + p.elem))
		b.WriteByte(',')
	}
	b.WriteByte(0)
	b.WriteString(cypher)
	key := b.String()

	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.byKey[key]; ok {
		r.order.MoveToFront(e)
		return
	}
	r.byKey[key] = r.order.PushFront(&recordedQuery{key: key, text: cypher, write: write, params: shapes})
	for r.order.Len() > r.max {
		last := r.order.Back()
		delete(r.byKey, last.Value.(*recordedQuery).key)
		r.order.Remove(last)
	}
}

// forget removes q from the record (a query Neo4j refuses to warm up).
func (r *queryRecord) forget(q *recordedQuery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.byKey[q.key]; ok {
		delete(r.byKey, q.key)
		r.order.Remove(e)
	}
}

// snapshot returns the recorded queries, most recent first.
func (r *queryRecord) snapshot() []*recordedQuery {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*recordedQuery, 0, r.order.Len())
	for e := r.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*recordedQuery))
	}
	return out
}

// shapeOf returns the shape of the parameter name with value v.
func shapeOf(name string, v any) paramShape {
	p := paramShape{name: name, kind: paramKindOf(v)}
	switch p.kind {
	case kindString:
		p.size = utf8.RuneCountInString(v.(string))
	case kindList:
		rv := reflect.ValueOf(v)
		p.size = rv.Len()
		if p.size > 0 {
			p.elem = paramKindOf(rv.Index(0).Interface())
		}
	}
	return p
}

// paramKindOf returns the kind of a parameter value.
func paramKindOf(v any) paramKind {
	switch v.(type) {
	case nil:
		return kindNull
	case string:
		return kindString
	case int, int8, int16, int32, int64, uint8, uint16, uint32:
		return kindInt
	case float32, float64:
		return kindFloat
	case bool:
		return kindBool
	case []byte:
		return kindOther
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array:
		return kindList
	case reflect.Map:
		return kindMap
	}
	return kindOther
}

// placeholders returns parameters of q's shape without any recorded
// value: strings of the same length made of "_", zeros, lists of the same
// length of such elements, and empty maps. A parameter of another type
// (such as a date) is null, which Neo4j caches under another key, so that
// query is not warmed.
func (q *recordedQuery) placeholders() map[string]any {
	out := make(map[string]any, len(q.params))
	for _, p := range q.params {
		switch p.kind {
		case kindString:
			out[p.name] = strings.Repeat("_", p.size)
		case kindList:
			l := make([]any, p.size)
			for i := range l {
				l[i] = placeholder(p.elem)
			}
			out[p.name] = l
		default:
			out[p.name] = placeholder(p.kind)
		}
	}
	return out
}

// placeholder returns a value of kind k: an empty string, zero, false, an
// empty list or map, or null.
func placeholder(k paramKind) any {
	switch k {
	case kindString:
		return ""
	case kindInt:
		return int64(0)
	case kindFloat:
		return 0.0
	case kindBool:
		return false
	case kindList:
		return []any{}
	case kindMap:
		return map[string]any{}
	}
	return nil
}

// warmWorkers is how many queries the warm-up runs at once.
const warmWorkers = 2

// warmUp prepares Neo4j after an outage for the queries the store ran
// recently, until ctx ends: those of read transactions first (a run
// leaves them fully prepared), then those of write transactions, each
// most recent first, warmWorkers at a time. The query of a read
// transaction is run with placeholder parameters (see placeholders) in a
// read-only auto-commit transaction and its records are discarded; that
// of a write transaction is explained with such parameters (EXPLAIN runs
// nothing). A query that Neo4j refuses as a client error (for example a
// schema command, which cannot be explained) is dropped from the record.
func (s *Store) warmUp(ctx context.Context) {
	start := time.Now()
	queries := s.queries.snapshot()
	sort.SliceStable(queries, func(i, j int) bool { return !queries[i].write && queries[j].write })
	next := make(chan *recordedQuery)
	var mu sync.Mutex
	var ran, failed int
	var wg sync.WaitGroup
	for range warmWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sessions := map[bool]neo4j.SessionWithContext{}
			defer func() {
				for _, sess := range sessions {
					_ = sess.Close(context.WithoutCancel(ctx))
				}
			}()
			for q := range next {
				sess, ok := sessions[q.write]
				if !ok {
					mode := neo4j.AccessModeRead
					if q.write {
						mode = neo4j.AccessModeWrite
					}
					sess = s.session(ctx, mode)
					sessions[q.write] = sess
				}
				err := s.warmQuery(ctx, sess, q)
				var dbErr *neo4j.Neo4jError
				if err != nil && errors.As(err, &dbErr) && strings.HasPrefix(dbErr.Code, "Neo.ClientError.") {
					s.queries.forget(q)
				}
				mu.Lock()
				if err == nil {
					ran++
				} else {
					failed++
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, q := range queries {
		select {
		case next <- q:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	s.logger.Info("Neo4j warm-up done", "queries", len(queries), "warmed", ran, "failed", failed,
		"not_reached", len(queries)-ran-failed, "duration_ms", time.Since(start).Milliseconds())
}

// warmQuery runs or explains q once in sess (see warmUp), bounded by
// warmQueryTimeout.
func (s *Store) warmQuery(ctx context.Context, sess neo4j.SessionWithContext, q *recordedQuery) error {
	ctx, cancel := context.WithTimeout(ctx, warmQueryTimeout)
	defer cancel()
	text := q.text
	if q.write {
		text = "EXPLAIN " + text
	}
	if s.queryHook != nil {
		s.queryHook(text, nil)
	}
	res, err := sess.Run(ctx, text, q.placeholders(), neo4j.WithTxTimeout(warmQueryTimeout))
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return err
}
