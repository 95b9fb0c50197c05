package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// relSpec names one end of a relationship as a field sees it.
type relSpec struct {
	Type      emnkg.RelType
	Direction emnkg.Direction
	// OtherKind is the kind at the other end, or "" for a field typed Node.
	OtherKind emnkg.Kind
}

// wantsTotal reports whether the connection being resolved selects
// totalCount, so that the store counts only when asked to.
func wantsTotal(ctx context.Context) bool {
	if graphql.GetFieldContext(ctx) == nil || graphql.GetOperationContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "totalCount" {
			return true
		}
	}
	return false
}

// rootConnection answers a root connection field (organisations, ...) with
// the connection type C.
func rootConnection[C any](ctx context.Context, r *Resolver, kind emnkg.Kind, pa pageArgs,
	where map[string]any, orderBy []map[string]any) (*C, error) {
	defs := emnkg.NodeProps(kind)
	filter, err := buildFilter(where, defs)
	if err != nil {
		return nil, err
	}
	sorts, err := buildSort(orderBy, false)
	if err != nil {
		return nil, err
	}
	w, err := pa.window(r.DefaultPageSize)
	if err != nil {
		return nil, err
	}
	q := emnkg.NodeQuery{Kind: kind, Filter: filter, Sort: w.sorts(sorts), Offset: w.Offset, Limit: w.Limit,
		WithTotal: w.Reverse || wantsTotal(ctx)}
	page, err := r.Store.FindNodes(ctx, q)
	if err != nil {
		return nil, err
	}
	rows := make([]emnkg.Related, len(page.Nodes))
	for i, n := range page.Nodes {
		rows[i] = emnkg.Related{Node: n}
	}
	placedRows, info := arrange(w, rows, page.TotalCount, page.HasMore)
	return assemble[C](placedRows, info, page.TotalCount), nil
}

// relatedQuery builds the store query of a relationship field.
func relatedQuery(ctx context.Context, spec relSpec, w pageWindow, where map[string]any, orderBy []map[string]any,
	relWhere map[string]any, relOrderBy []map[string]any) (emnkg.RelatedQuery, error) {
	q := emnkg.RelatedQuery{Type: spec.Type, Direction: spec.Direction, OtherKind: spec.OtherKind}
	var err error
	if q.Filter, err = buildFilter(where, kindDefs(spec.OtherKind)); err != nil {
		return q, err
	}
	if q.EdgeFilter, err = buildFilter(relWhere, emnkg.EdgeProps()); err != nil {
		return q, err
	}
	edgeSorts, err := buildSort(relOrderBy, true)
	if err != nil {
		return q, err
	}
	nodeSorts, err := buildSort(orderBy, false)
	if err != nil {
		return q, err
	}
	q.Sort = w.sorts(append(edgeSorts, nodeSorts...))
	q.Offset, q.Limit = w.Offset, w.Limit
	q.WithTotal = w.Reverse || wantsTotal(ctx)
	return q, nil
}

// relConnection answers a relationship field of the node parentID with the
// connection type C, batched with its siblings.
func relConnection[C any](ctx context.Context, r *Resolver, parentID string, spec relSpec, pa pageArgs,
	where map[string]any, orderBy []map[string]any, relWhere map[string]any, relOrderBy []map[string]any) (*C, error) {
	w, err := pa.window(r.DefaultPageSize)
	if err != nil {
		return nil, err
	}
	q, err := relatedQuery(ctx, spec, w, where, orderBy, relWhere, relOrderBy)
	if err != nil {
		return nil, err
	}
	page, err := r.loadersFrom(ctx).loadRelated(ctx, parentID, q)
	if err != nil {
		return nil, err
	}
	rows, info := arrange(w, page.Items, page.TotalCount, page.HasMore)
	return assemble[C](rows, info, page.TotalCount), nil
}

// relSingle answers a single-valued relationship field: the first related
// node in the order of sorts, or nil.
func relSingle[T model.Node](ctx context.Context, r *Resolver, parentID string, spec relSpec,
	sorts ...emnkg.SortField) (T, error) {
	var zero T
	q := emnkg.RelatedQuery{Type: spec.Type, Direction: spec.Direction, OtherKind: spec.OtherKind,
		Sort: sorts, Limit: 1}
	page, err := r.loadersFrom(ctx).loadRelated(ctx, parentID, q)
	if err != nil || len(page.Items) == 0 {
		return zero, err
	}
	return asKind[T](page.Items[0].Node), nil
}

// assemble builds a connection value of type C (one of the schema's
// *Connection types) from placed rows: it fills the Edges, Nodes, PageInfo
// and TotalCount fields, making each edge's Cursor, Node and, where the
// edge type has one, Relationship.
func assemble[C any](rows []placed[emnkg.Related], info *model.PageInfo, total int) *C {
	conn := new(C)
	cv := reflect.ValueOf(conn).Elem()
	edges := cv.FieldByName("Edges")
	nodes := cv.FieldByName("Nodes")
	edgeType := edges.Type().Elem().Elem() // []*XEdge -> XEdge
	edges.Set(reflect.MakeSlice(edges.Type(), 0, len(rows)))
	nodes.Set(reflect.MakeSlice(nodes.Type(), 0, len(rows)))
	for _, row := range rows {
		n := reflect.ValueOf(toModel(row.Item.Node))
		e := reflect.New(edgeType)
		e.Elem().FieldByName("Cursor").SetString(encodeCursor(row.Offset))
		e.Elem().FieldByName("Node").Set(n)
		if rel := e.Elem().FieldByName("Relationship"); rel.IsValid() && row.Item.Edge != nil {
			rel.Set(reflect.ValueOf(toRelationship(row.Item.Edge)))
		}
		edges.Set(reflect.Append(edges, e))
		nodes.Set(reflect.Append(nodes, n))
	}
	cv.FieldByName("PageInfo").Set(reflect.ValueOf(info))
	if total < 0 {
		total = 0
	}
	cv.FieldByName("TotalCount").SetInt(int64(total))
	return conn
}

// nodesByID answers node and nodes: the nodes in the order of ids, nil
// where an ID is unknown.
func (r *Resolver) nodesByID(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > emnkg.MaxQueryIDs {
		return nil, emnkg.Errorf(emnkg.EINVALID, "At most %d IDs may be given at once.", emnkg.MaxQueryIDs)
	}
	found, err := r.Store.GetNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*emnkg.Node, len(found))
	for _, n := range found {
		byID[n.ID] = n
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		if n, ok := byID[id]; ok {
			out[i] = toModel(n)
		}
	}
	return out, nil
}

// currentFirst orders hosting relationships so that the open-ended one
// with the latest start comes first: the current host.
func currentFirst() []emnkg.SortField {
	return []emnkg.SortField{
		{Field: "until", Desc: true, OnEdge: true},
		{Field: "since", Desc: true, OnEdge: true},
	}
}
