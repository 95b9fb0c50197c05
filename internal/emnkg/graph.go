package emnkg

import (
	"context"
	"fmt"
	"math"
	"sort"
	"unicode/utf8"
)

// Node is one node of the graph: a stable ID, its kind, a version that
// grows with every change, and its properties.
type Node struct {
	ID      string
	Kind    Kind
	Version int64
	// Props holds the node's properties; see PropType for the Go types of
	// the values. Absent properties are absent keys, never nil values.
	Props map[string]any
}

// String returns the string property key of n, or "".
func (n *Node) String(key string) string {
	s, _ := n.Props[key].(string)
	return s
}

// Edge is one relationship of the graph.
type Edge struct {
	// ID is stable and readable; see EdgeID.
	ID    string
	Type  RelType
	From  string
	To    string
	Props map[string]any
}

// Graph is a set of nodes and relationships, as imported into a store.
type Graph struct {
	Nodes []*Node
	Edges []*Edge
}

// Op is a comparison operator of a filter.
type Op string

// The filter operators. Contains and StartsWith are case-sensitive; In takes
// a []any of values; Exists takes a bool.
const (
	OpEq         Op = "eq"
	OpIn         Op = "in"
	OpContains   Op = "contains"
	OpStartsWith Op = "startsWith"
	OpGt         Op = "gt"
	OpGte        Op = "gte"
	OpLt         Op = "lt"
	OpLte        Op = "lte"
	OpExists     Op = "exists"
)

// Filter is a predicate tree over node (or relationship) properties. A
// filter is either a combination (And, Or, Not) or a comparison (Field, Op,
// Value), never both. Field is a property key or "id". Comparisons follow
// three-valued logic: a comparison on an absent property is neither true nor
// false, so NOT of it does not match either (except Exists).
type Filter struct {
	And []*Filter
	Or  []*Filter
	Not *Filter

	Field string
	Op    Op
	Value any
}

// SortField orders results by one property. OnEdge sorts by a property of
// the relationship instead of the related node. Absent values sort last in
// ascending and first in descending order. Every sort ends with id
// ascending, so that order is total and stable.
type SortField struct {
	Field  string
	Desc   bool
	OnEdge bool
}

// NodeQuery selects a page of nodes of one kind.
type NodeQuery struct {
	Kind   Kind
	Filter *Filter
	Sort   []SortField
	Offset int
	// Limit is the page size; 0 returns no nodes (useful with WithTotal).
	Limit int
	// WithTotal asks for the number of all matching nodes.
	WithTotal bool
}

// NodePage is a page of nodes.
type NodePage struct {
	Nodes []*Node
	// TotalCount is the number of matching nodes when asked for, else -1.
	TotalCount int
	// HasMore reports whether nodes follow the page.
	HasMore bool
}

// RelatedQuery selects, for each of several nodes, a page of the
// relationships of one type and the nodes at their other end.
type RelatedQuery struct {
	NodeIDs   []string
	Type      RelType
	Direction Direction
	// OtherKind restricts the other end to one kind; "" allows any kind, and
	// then Filter and Sort may use only "id" and common properties.
	OtherKind Kind
	// Filter applies to the other node; EdgeFilter to the relationship.
	Filter     *Filter
	EdgeFilter *Filter
	Sort       []SortField
	Offset     int
	Limit      int
	WithTotal  bool
}

// Related is a relationship seen from one of its nodes, with the node at its
// other end.
type Related struct {
	Edge *Edge
	Node *Node
}

// RelatedPage is a page of related nodes of one node.
type RelatedPage struct {
	Items      []Related
	TotalCount int
	HasMore    bool
}

// ImportResult counts what an import changed.
type ImportResult struct {
	NodesCreated, NodesUpdated, NodesUnchanged int
	EdgesCreated, EdgesUpdated, EdgesUnchanged int
}

// GraphStats counts what a store holds.
type GraphStats struct {
	NodesByKind map[Kind]int
	EdgesByType map[RelType]int
}

// Store is the graph store. Every method runs in one transaction and returns
// *Error values for problems a caller can fix. Implementations: the Neo4j
// store and the embedded store; both pass the conformance suite in
// internal/storetest.
type Store interface {
	// Migrate creates the constraints and indexes the store needs; it is
	// idempotent.
	Migrate(ctx context.Context) error
	// Ping checks that the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error

	// GetNodes returns the nodes with the given IDs, in the order of ids;
	// unknown IDs are skipped (the result may be shorter).
	GetNodes(ctx context.Context, ids []string) ([]*Node, error)
	// FindNodes returns a page of nodes of one kind.
	FindNodes(ctx context.Context, q NodeQuery) (*NodePage, error)
	// FindRelated returns, for each ID of q.NodeIDs, a page of its related
	// nodes. Every requested ID has an entry, empty when it has none.
	FindRelated(ctx context.Context, q RelatedQuery) (map[string]*RelatedPage, error)
	// Stats counts nodes by kind and relationships by type.
	Stats(ctx context.Context) (*GraphStats, error)

	// ImportGraph upserts nodes (by ID) and relationships (by ID) in one
	// transaction. A node's or relationship's properties are replaced by
	// the imported ones; its version grows only when something changed, so
	// importing the same graph twice changes nothing. Relationships may end
	// at nodes of the graph or already stored. Invalid input fails the whole
	// import with EINVALID and changes nothing; an ID stored with another
	// kind (or a relationship ID with other ends) fails with ECONFLICT.
	ImportGraph(ctx context.Context, g *Graph) (*ImportResult, error)
}

// Limits on query shapes that every store enforces through Validate.
const (
	MaxPageSize     = 1000
	MaxFilterDepth  = 8
	MaxFilterNodes  = 100
	MaxInValues     = 1000
	MaxQueryIDs     = 1000
	MaxStringLength = 100000
	// MaxIndexedLength bounds sortable text, which stores may index
	// (Neo4j's indexes refuse values of about 8 KB).
	MaxIndexedLength = 4000
	MaxSortFields    = 5
)

// Validate checks a node query against the schema.
func (q *NodeQuery) Validate() error {
	if !q.Kind.Valid() {
		return Errorf(EINVALID, "Unknown node kind %q.", q.Kind)
	}
	if err := validatePage(q.Offset, q.Limit); err != nil {
		return err
	}
	defs := NodeProps(q.Kind)
	if err := ValidateFilter(q.Filter, defs); err != nil {
		return err
	}
	return validateSort(q.Sort, defs, nil)
}

// Validate checks a related query against the schema.
func (q *RelatedQuery) Validate() error {
	def, ok := LookupRel(q.Type)
	if !ok {
		return Errorf(EINVALID, "Unknown relationship type %q.", q.Type)
	}
	if !q.Direction.Valid() {
		return Errorf(EINVALID, "Unknown direction %q.", q.Direction)
	}
	if len(q.NodeIDs) > MaxQueryIDs {
		return Errorf(EINVALID, "At most %d node IDs may be given at once.", MaxQueryIDs)
	}
	if q.OtherKind != "" {
		if !q.OtherKind.Valid() {
			return Errorf(EINVALID, "Unknown node kind %q.", q.OtherKind)
		}
		ends := def.To
		if q.Direction == DirectionIn {
			ends = def.From
		} else if q.Direction == DirectionBoth {
			ends = append(append([]Kind(nil), def.From...), def.To...)
		}
		if !containsKind(ends, q.OtherKind) {
			return Errorf(EINVALID, "A %s relationship never reaches a %s that way.", q.Type, q.OtherKind)
		}
	}
	if err := validatePage(q.Offset, q.Limit); err != nil {
		return err
	}
	defs := commonNodeProps
	if q.OtherKind != "" {
		defs = NodeProps(q.OtherKind)
	}
	if err := ValidateFilter(q.Filter, defs); err != nil {
		return err
	}
	if err := ValidateFilter(q.EdgeFilter, commonEdgeProps); err != nil {
		return err
	}
	return validateSort(q.Sort, defs, commonEdgeProps)
}

func validatePage(offset, limit int) error {
	if offset < 0 || limit < 0 {
		return Errorf(EINVALID, "Offsets and page sizes cannot be negative.")
	}
	if limit > MaxPageSize {
		return Errorf(EINVALID, "A page holds at most %d items.", MaxPageSize)
	}
	if offset > math.MaxInt32 {
		return Errorf(EINVALID, "Offset too large.")
	}
	return nil
}

func validateSort(sorts []SortField, nodeDefs, edgeDefs []PropDef) error {
	if len(sorts) > MaxSortFields {
		return Errorf(EINVALID, "At most %d sort fields may be given.", MaxSortFields)
	}
	for _, s := range sorts {
		defs := nodeDefs
		if s.OnEdge {
			defs = edgeDefs
		}
		if s.Field == "id" && !s.OnEdge {
			continue
		}
		d, ok := LookupProp(defs, s.Field)
		if !ok || !d.Sortable {
			return FieldErrorf(EINVALID, s.Field, "Cannot sort by %q.", s.Field)
		}
	}
	return nil
}

// ValidateFilter checks a filter tree against property definitions: known,
// filterable fields, values of the right type, bounded size.
func ValidateFilter(f *Filter, defs []PropDef) error {
	count := 0
	return validateFilter(f, defs, 0, &count)
}

func validateFilter(f *Filter, defs []PropDef, depth int, count *int) error {
	if f == nil {
		return nil
	}
	*count++
	if depth > MaxFilterDepth {
		return Errorf(EINVALID, "Filters nest at most %d levels deep.", MaxFilterDepth)
	}
	if *count > MaxFilterNodes {
		return Errorf(EINVALID, "A filter has at most %d conditions.", MaxFilterNodes)
	}
	combos := 0
	if len(f.And) > 0 {
		combos++
	}
	if len(f.Or) > 0 {
		combos++
	}
	if f.Not != nil {
		combos++
	}
	if combos > 1 || (combos == 1 && f.Field != "") {
		return Errorf(EINVALID, "A filter node is either AND, OR, NOT or one comparison.")
	}
	for _, c := range append(append([]*Filter(nil), f.And...), f.Or...) {
		if c == nil {
			return Errorf(EINVALID, "Empty filter in a list.")
		}
		if err := validateFilter(c, defs, depth+1, count); err != nil {
			return err
		}
	}
	if f.Not != nil {
		return validateFilter(f.Not, defs, depth+1, count)
	}
	if combos == 1 {
		return nil
	}
	if f.Field == "" {
		return Errorf(EINVALID, "A filter comparison needs a field.")
	}
	typ := PropString
	if f.Field != "id" {
		d, ok := LookupProp(defs, f.Field)
		if !ok || !d.Filterable {
			return FieldErrorf(EINVALID, f.Field, "Cannot filter on %q.", f.Field)
		}
		typ = d.Type
	}
	switch f.Op {
	case OpExists:
		if _, ok := f.Value.(bool); !ok {
			return FieldErrorf(EINVALID, f.Field, "exists takes true or false.")
		}
		return nil
	case OpIn:
		vs, ok := f.Value.([]any)
		if !ok {
			return FieldErrorf(EINVALID, f.Field, "in takes a list of values.")
		}
		if len(vs) > MaxInValues {
			return FieldErrorf(EINVALID, f.Field, "in takes at most %d values.", MaxInValues)
		}
		for _, v := range vs {
			if err := checkValue(f.Field, typ, v); err != nil {
				return err
			}
		}
		return nil
	case OpContains, OpStartsWith:
		if typ != PropString && typ != PropDate {
			return FieldErrorf(EINVALID, f.Field, "%s applies to text fields only.", f.Op)
		}
	case OpEq, OpGt, OpGte, OpLt, OpLte:
		if typ == PropBool && f.Op != OpEq {
			return FieldErrorf(EINVALID, f.Field, "Booleans compare with eq only.")
		}
	default:
		return FieldErrorf(EINVALID, f.Field, "Unknown filter operator %q.", f.Op)
	}
	return checkValue(f.Field, typ, f.Value)
}

func checkValue(field string, typ PropType, v any) error {
	ok := false
	switch typ {
	case PropString, PropDate:
		var s string
		s, ok = v.(string)
		if ok && (len(s) > MaxStringLength || !utf8.ValidString(s)) {
			return FieldErrorf(EINVALID, field, "Text value too long or not UTF-8.")
		}
	case PropInt:
		_, ok = v.(int64)
	case PropFloat:
		_, ok = v.(float64)
	case PropBool:
		_, ok = v.(bool)
	}
	if !ok {
		return FieldErrorf(EINVALID, field, "Wrong value type for %q.", field)
	}
	return nil
}

// NormalizeProps converts property values read from a store (or decoded
// from JSON) into the Go types of PropType, dropping nil values, and
// rejects unknown keys. Both stores return properties through it, so they
// answer with identical values.
func NormalizeProps(defs []PropDef, props map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(props))
	if err := normalizeProps(defs, props, out); err != nil {
		return nil, err
	}
	return out, nil
}

// NormalizeOwnedProps is NormalizeProps for a map the caller owns and
// drops: it normalises props in place instead of copying it, which spares
// the stores a map per node or relationship they read. On error props is
// left part normalised.
func NormalizeOwnedProps(defs []PropDef, props map[string]any) error {
	return normalizeProps(defs, props, nil)
}

// normalizeProps writes the normalised values of props into copyTo, an
// empty map, or, when copyTo is nil, into props itself: values of keys
// already seen then change, and nil values are deleted, both of which
// ranging over a map allows.
func normalizeProps(defs []PropDef, props, copyTo map[string]any) error {
	inPlace, out := copyTo == nil, copyTo
	if inPlace {
		out = props
	}
	for k, v := range props {
		if v == nil {
			delete(out, k)
			continue
		}
		d, ok := LookupProp(defs, k)
		if !ok {
			return FieldErrorf(EINVALID, k, "Unknown property %q.", k)
		}
		nv, err := normalizeValue(d.Type, v)
		if err != nil {
			return FieldErrorf(EINVALID, k, "Property %q: %v", k, err)
		}
		if s, ok := nv.(string); ok && d.Sortable && len(s) > MaxIndexedLength {
			return FieldErrorf(EINVALID, k, "Property %q holds at most %d bytes.", k, MaxIndexedLength)
		}
		if inPlace && unchanged(v, nv) {
			continue
		}
		out[k] = nv
	}
	return nil
}

// unchanged reports whether normalising v gave v back: a scalar of the
// property's own type, which is what stores mostly read. Other values
// (lists) are not compared: comparing interfaces that hold slices panics.
func unchanged(v, nv any) bool {
	switch v.(type) {
	case string, int64, float64, bool:
		return v == nv
	}
	return false
}

type numberLike interface{ String() string }

func normalizeValue(t PropType, v any) (any, error) {
	switch t {
	case PropString, PropDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want text, got %T", v)
		}
		if !utf8.ValidString(s) || len(s) > MaxStringLength {
			return nil, fmt.Errorf("text not UTF-8 or too long")
		}
		return v, nil // v itself: boxing s again would allocate
	case PropInt:
		switch x := v.(type) {
		case int64:
			return v, nil
		case int:
			return int64(x), nil
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return nil, fmt.Errorf("want an integer, got %v", x)
			}
			return int64(x), nil
		case numberLike:
			var i int64
			if _, err := fmt.Sscan(x.String(), &i); err != nil {
				return nil, fmt.Errorf("want an integer, got %v", x)
			}
			return i, nil
		}
		return nil, fmt.Errorf("want an integer, got %T", v)
	case PropFloat:
		switch x := v.(type) {
		case float64:
			return v, nil
		case int64:
			return float64(x), nil
		case int:
			return float64(x), nil
		case numberLike:
			var f float64
			if _, err := fmt.Sscan(x.String(), &f); err != nil {
				return nil, fmt.Errorf("want a number, got %v", x)
			}
			return f, nil
		}
		return nil, fmt.Errorf("want a number, got %T", v)
	case PropBool:
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("want a boolean, got %T", v)
		}
		return v, nil
	case PropStringList:
		switch x := v.(type) {
		case []string:
			return append([]string{}, x...), nil
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("want a list of text, got an element of %T", e)
				}
				out = append(out, s)
			}
			return out, nil
		}
		return nil, fmt.Errorf("want a list of text, got %T", v)
	}
	return nil, fmt.Errorf("unknown property type")
}

// ValidateGraph checks every node and relationship of g against the schema
// and normalises their properties in place. Relationship ends that are not
// in g are returned, for the store to check against what it holds.
func ValidateGraph(g *Graph) (missingEnds []string, err error) {
	if g == nil {
		return nil, Errorf(EINVALID, "No graph to import.")
	}
	kinds := make(map[string]Kind, len(g.Nodes))
	for i, n := range g.Nodes {
		if n == nil {
			return nil, Errorf(EINVALID, "Node %d is empty.", i)
		}
		if !ValidNodeID(n.ID) {
			return nil, FieldErrorf(EINVALID, "id", "Invalid node ID %q.", n.ID)
		}
		if !n.Kind.Valid() {
			return nil, FieldErrorf(EINVALID, "kind", "Node %s: unknown kind %q.", n.ID, n.Kind)
		}
		if k, dup := kinds[n.ID]; dup && k != n.Kind {
			return nil, Errorf(ECONFLICT, "Node %s appears with two kinds.", n.ID)
		}
		kinds[n.ID] = n.Kind
		props, err := NormalizeProps(NodeProps(n.Kind), n.Props)
		if err != nil {
			return nil, Errorf(EINVALID, "Node %s: %s", n.ID, ErrorMessage(err))
		}
		n.Props = props
	}
	seen := map[string]bool{}
	for i, e := range g.Edges {
		if e == nil {
			return nil, Errorf(EINVALID, "Relationship %d is empty.", i)
		}
		def, ok := LookupRel(e.Type)
		if !ok {
			return nil, Errorf(EINVALID, "Relationship %s: unknown type %q.", e.ID, e.Type)
		}
		if e.ID == "" || len(e.ID) > 400 || !utf8.ValidString(e.ID) {
			return nil, Errorf(EINVALID, "Relationship %d has an invalid ID.", i)
		}
		props, err := NormalizeProps(commonEdgeProps, e.Props)
		if err != nil {
			return nil, Errorf(EINVALID, "Relationship %s: %s", e.ID, ErrorMessage(err))
		}
		e.Props = props
		for _, end := range []string{e.From, e.To} {
			if _, ok := kinds[end]; !ok && !seen[end] {
				seen[end] = true
				missingEnds = append(missingEnds, end)
			}
		}
		fk, fok := kinds[e.From]
		tk, tok := kinds[e.To]
		if fok && tok && !def.Allows(fk, tk) {
			return nil, Errorf(EINVALID, "A %s relationship cannot join a %s to a %s (%s).", e.Type, fk, tk, e.ID)
		}
	}
	sort.Strings(missingEnds)
	return missingEnds, nil
}

// CheckEdgeEnds checks the relationships of g whose ends are stored nodes:
// kinds gives the kind of every node that exists, in g or in the store.
func CheckEdgeEnds(g *Graph, kinds map[string]Kind) error {
	for _, e := range g.Edges {
		fk, fok := kinds[e.From]
		tk, tok := kinds[e.To]
		if !fok || !tok {
			missing := e.From
			if fok {
				missing = e.To
			}
			return Errorf(EINVALID, "Relationship %s ends at unknown node %q.", e.ID, missing)
		}
		def, _ := LookupRel(e.Type)
		if !def.Allows(fk, tk) {
			return Errorf(EINVALID, "A %s relationship cannot join a %s to a %s (%s).", e.Type, fk, tk, e.ID)
		}
	}
	return nil
}

// PropsEqual reports whether two normalised property maps are equal.
func PropsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			return false
		}
		switch x := av.(type) {
		case []string:
			y, ok := bv.([]string)
			if !ok || len(x) != len(y) {
				return false
			}
			for i := range x {
				if x[i] != y[i] {
					return false
				}
			}
		default:
			if av != bv {
				return false
			}
		}
	}
	return true
}
