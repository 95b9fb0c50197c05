package emnkg

import (
	"context"
	"time"
)

// This file holds the contracts of the researcher and dashboard queries:
// full-text search candidates, graph expansion, path patterns, aggregates,
// degree rankings and read-only Cypher. Stores implement Explorer; the
// algorithms built on it (ranking, neighbourhoods, shortest paths) live in
// this package so that both stores give the same answers.

// Explorer is the read side a store offers for graph queries. Every method
// runs in one read transaction and validates its query first.
type Explorer interface {
	// SearchCandidates returns the nodes in which every token of q.Tokens
	// starts a word of some searchable text (see SearchWordsOf), comparing
	// folded text (FoldText): at most q.Limit of them, ordered by their
	// tier (see SearchWords.Tier, better first), then by the TopLength of
	// their words, then by ID. With q.Languages, only the nodes in which
	// every token starts a word of a text in no language or in one of them
	// count (as RankSearch ranks them), looked for among the first
	// SearchScanFactor × q.Limit matching nodes in that order (see
	// SearchCollector). Stores answer from a full-text index; the caller
	// ranks the candidates with RankSearch.
	SearchCandidates(ctx context.Context, q SearchCandidatesQuery) (*SearchCandidateSet, error)

	// Expand returns the links (relationships without their properties)
	// of the given types (all when empty) that touch any node of q.NodeIDs
	// in q.Direction and whose other end is of q.Kinds (all when empty).
	// Links are ordered by ID; the result holds at most q.Limit links and
	// says whether more exist. Traversals read links, not whole
	// relationships, and fetch the few they keep afterwards.
	Expand(ctx context.Context, q ExpandQuery) (*Expansion, error)

	// Neighbours returns the IDs of the nodes at the other ends of the
	// links Expand would return for q (ignoring its limit), each once,
	// ordered by ID, at most q.Limit of them. A node given in q.NodeIDs is
	// among them when a qualifying link reaches it from another given node
	// (or itself).
	Neighbours(ctx context.Context, q ExpandQuery) ([]string, error)

	// EdgesAmong returns every relationship of the given types (all when
	// empty) whose two ends are both in ids (at most
	// MaxNeighbourhoodSize), ordered by ID.
	EdgesAmong(ctx context.Context, ids []string, types []RelType) ([]*Edge, error)

	// MatchPattern finds the paths that match a pattern, compiled to the
	// store's own query language with parameters only. Rows are ordered by
	// the IDs of their bound nodes, step by step.
	MatchPattern(ctx context.Context, q PatternQuery) (*PatternPage, error)

	// Facets counts nodes of one kind grouped by up to two keys.
	Facets(ctx context.Context, q FacetQuery) ([]FacetBucket, error)

	// LanguageCoverage counts, for a multilingual property of a kind, the
	// nodes having a value in each language, ordered by language code.
	LanguageCoverage(ctx context.Context, kind Kind, property string) ([]FacetBucket, error)

	// Degrees ranks nodes by their number of relationships, highest first,
	// ties by ID.
	Degrees(ctx context.Context, q DegreeQuery) ([]NodeDegree, error)
}

// CypherRunner runs read-only Cypher; only the Neo4j store offers it.
type CypherRunner interface {
	// RunReadCypher refuses any query that could write, with EFORBIDDEN,
	// before it reaches the database; then runs it in a read transaction
	// under the timeout, returning at most MaxRows rows (Truncated says when
	// more existed). Queries the database cannot run fail with EINVALID.
	RunReadCypher(ctx context.Context, q CypherQuery) (*CypherResult, error)
}

// SearchCandidatesQuery asks for full-text candidates.
type SearchCandidatesQuery struct {
	// Tokens are folded query words (see Tokenize); every one must match.
	Tokens []string
	// Kinds restricts the node kinds; empty means all.
	Kinds []Kind
	// Languages, when given, leave out the nodes that match only in texts
	// of other languages (see ValidLanguage).
	Languages []string
	Limit     int
}

// SearchCandidateSet is the answer to a SearchCandidatesQuery.
type SearchCandidateSet struct {
	Nodes []*Node
	// More reports whether more nodes match than Nodes holds; with
	// languages, also that the store stopped looking (see
	// SearchCollector), so that more may match.
	More bool
}

// ExpandQuery asks for one step of a graph traversal.
type ExpandQuery struct {
	NodeIDs   []string
	Types     []RelType
	Direction Direction
	Kinds     []Kind
	Limit     int
}

// Expansion is the answer to an ExpandQuery.
type Expansion struct {
	Links     []Link
	Truncated bool
}

// Link is a relationship without its properties: what a traversal step
// needs to know of it.
type Link struct {
	ID       string
	Type     RelType
	From, To string
}

// PatternQuery is a path pattern: NodeSteps[0], RelSteps[0], NodeSteps[1],
// ..., so len(NodeSteps) == len(RelSteps)+1.
type PatternQuery struct {
	NodeSteps []NodeStep
	RelSteps  []RelStep
	Offset    int
	Limit     int
	WithTotal bool
}

// NodeStep constrains one node of a pattern.
type NodeStep struct {
	// Kind restricts the node's kind; "" allows any.
	Kind Kind
	// IDs pins the node to one of these IDs when not empty.
	IDs []string
	// Filter is checked against the kind's properties (common ones when
	// Kind is "").
	Filter *Filter
}

// RelStep constrains the relationship(s) between two node steps.
type RelStep struct {
	// Types allowed; empty means any.
	Types     []RelType
	Direction Direction
	// MinHops and MaxHops bound a variable-length step; both 1 (or 0) for
	// a single relationship. MaxHops is at most MaxPatternHops.
	MinHops, MaxHops int
}

// PatternPage is a page of pattern matches.
type PatternPage struct {
	Rows       []PatternRow
	TotalCount int
	HasMore    bool
}

// PatternRow is one match: the node bound to each node step, and for each
// single-hop relationship step the relationship (nil for variable-length
// steps, whose intermediate nodes are not reported).
type PatternRow struct {
	Nodes []*Node
	Edges []*Edge
}

// FacetQuery groups the nodes of one kind that pass Filter.
type FacetQuery struct {
	Kind   Kind
	Filter *Filter
	// GroupBy has one or two keys.
	GroupBy []GroupKey
	// Limit caps the number of buckets, largest counts first, then by
	// values ascending (absent values last).
	Limit int
}

// GroupKey is what nodes are grouped by: a property of the node itself
// (Via nil) or a property of the nodes reached over one relationship (a
// node then counts once in each group of its related nodes; nodes with no
// such relationship group under an absent value).
type GroupKey struct {
	Field string
	Via   *Hop
}

// Hop is one relationship step to a related node of a kind.
type Hop struct {
	Type      RelType
	Direction Direction
	Kind      Kind
}

// FacetBucket is one group and its count. Values holds one value per group
// key (nil for absent), of the property's Go type; for LanguageCoverage it
// holds the language code.
type FacetBucket struct {
	Values []any
	Count  int
}

// DegreeQuery ranks nodes by degree.
type DegreeQuery struct {
	// Kinds of ranked nodes; empty means all.
	Kinds []Kind
	// Types of relationships counted; empty means all.
	Types     []RelType
	Direction Direction
	Limit     int
}

// NodeDegree is a node and its degree.
type NodeDegree struct {
	Node   *Node
	Degree int
}

// CypherQuery is a researcher's read-only Cypher query.
type CypherQuery struct {
	Query      string
	Parameters map[string]any
	Timeout    time.Duration
	MaxRows    int
}

// CypherResult is the answer of a Cypher query. Values in Rows are plain
// Go values (nil, bool, int64, float64, string, []any, map[string]any) or
// *Node, *Edge and *CypherPath where the store's values map to them.
type CypherResult struct {
	Columns   []string
	Rows      [][]any
	Truncated bool
}

// CypherPath is a path returned by Cypher.
type CypherPath struct {
	Nodes []*Node
	Edges []*Edge
}

// Limits of the graph queries.
const (
	MaxPatternSteps = 6
	MaxPatternHops  = 6
	MaxSearchLimit  = 1000
	MaxExpandLimit  = 100000
)
