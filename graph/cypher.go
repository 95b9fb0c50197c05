package graph

import (
	"context"
	"time"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// cypher answers the cypher field: read-only Cypher for researchers.
func (r *Resolver) cypher(ctx context.Context, query string, params map[string]any, timeoutMs, maxRows *int) (*model.CypherResult, error) {
	if !r.CypherEnabled {
		return nil, emnkg.Errorf(emnkg.EFORBIDDEN, "Cypher queries are disabled on this server.")
	}
	if err := r.requireRole(ctx, emnkg.RoleResearcher); err != nil {
		return nil, err
	}
	runner, ok := r.Store.(emnkg.CypherRunner)
	if !ok {
		return nil, emnkg.Errorf(emnkg.ENOTSUPPORTED, "Cypher queries need the Neo4j store; this server runs the embedded store.")
	}
	timeout := defaultCypherTimeout
	if timeoutMs != nil {
		timeout = time.Duration(*timeoutMs) * time.Millisecond
		if timeout <= 0 || timeout > maxCypherTimeout {
			return nil, emnkg.FieldErrorf(emnkg.EINVALID, "timeoutMs", "timeoutMs must be between 1 and %d.", maxCypherTimeout.Milliseconds())
		}
	}
	rows := intOr(maxRows, defaultCypherRows)
	if rows < 1 || rows > maxCypherRows {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "maxRows", "maxRows must be between 1 and %d.", maxCypherRows)
	}
	res, err := runner.RunReadCypher(ctx, emnkg.CypherQuery{Query: query, Parameters: params, Timeout: timeout, MaxRows: rows})
	if err != nil {
		return nil, err
	}
	out := &model.CypherResult{Columns: res.Columns, Rows: make([]*model.CypherRow, 0, len(res.Rows)), Truncated: res.Truncated}
	if out.Columns == nil {
		out.Columns = []string{}
	}
	for _, row := range res.Rows {
		r := &model.CypherRow{Values: make([]*model.CypherValue, 0, len(row))}
		for _, v := range row {
			r.Values = append(r.Values, cypherValue(v))
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

// cypherValue renders a Cypher value as the API's own type where one
// exists, else as JSON.
func cypherValue(v any) *model.CypherValue {
	switch x := v.(type) {
	case *emnkg.Node:
		return &model.CypherValue{Node: toModel(x)}
	case *emnkg.Edge:
		return &model.CypherValue{Relationship: toGraphEdge(x)}
	case *emnkg.CypherPath:
		return &model.CypherValue{Path: toPath(emnkg.Path{Nodes: x.Nodes, Edges: x.Edges})}
	}
	return &model.CypherValue{JSON: plainValue(v)}
}

// plainValue renders nested graph values inside lists and maps as JSON.
func plainValue(v any) any {
	switch x := v.(type) {
	case *emnkg.Node:
		return map[string]any{"id": x.ID, "kind": string(x.Kind), "version": x.Version, "properties": x.Props}
	case *emnkg.Edge:
		return map[string]any{"id": x.ID, "type": string(x.Type), "source": x.From, "target": x.To, "properties": x.Props}
	case *emnkg.CypherPath:
		nodes := make([]any, len(x.Nodes))
		for i, n := range x.Nodes {
			nodes[i] = plainValue(n)
		}
		edges := make([]any, len(x.Edges))
		for i, e := range x.Edges {
			edges[i] = plainValue(e)
		}
		return map[string]any{"nodes": nodes, "edges": edges}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainValue(e)
		}
		return out
	}
	return v
}
