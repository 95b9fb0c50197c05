package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// Codes returned in extensions.code when a request is refused for going
// over one of its Limits. The error also carries the limit in
// extensions.limit and, except for tokens, what the request asked for in
// extensions.actual.
const (
	CodeTokenLimit     = "TOKEN_LIMIT_EXCEEDED"
	CodeDepthLimit     = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit     = "ALIAS_LIMIT_EXCEEDED"
	CodeRootFieldLimit = "ROOT_FIELD_LIMIT_EXCEEDED"
	CodeDirectiveLimit = "DIRECTIVE_LIMIT_EXCEEDED"
	CodeCostLimit      = "COST_LIMIT_EXCEEDED"
	// CodeFieldRepeatLimit refuses a selection set that selects one
	// response name too often (see Limits.MaxFieldRepeats).
	CodeFieldRepeatLimit = "FIELD_REPEAT_LIMIT_EXCEEDED"
)

// LimitCodes returns every code a limit rejection can carry.
func LimitCodes() []string {
	return []string{CodeTokenLimit, CodeDepthLimit, CodeAliasLimit, CodeRootFieldLimit, CodeDirectiveLimit, CodeCostLimit,
		CodeFieldRepeatLimit}
}

// init registers the limit codes as protocol errors, the kind gqlgen
// gives parse and validation errors, so that a refused request is answered
// with an HTTP error status like an invalid one. RegisterErrorType is
// gqlgen's documented hook for this; doing it once here, before any
// request, keeps it free of races.
func init() {
	for _, code := range LimitCodes() {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// Limits bound what one GraphQL request may ask for, in the spirit of
// GraphQL Armor. A zero or negative field turns that limit off.
//
// Depth, aliases, root fields, directives and cost are measured on the
// operation that is run, with its fragments expanded (each fragment is
// measured once and counted for every spread, so fragment "bombs" are
// counted in full but cost no time). The introspection fields __schema and
// __type are left out of depth and cost: gqlparser's own
// MaxIntrospectionDepth rule bounds them, and GraphiQL's introspection
// query is deeper than any data query needs to be.
type Limits struct {
	// MaxTokens bounds the lexical tokens of the document (comments not
	// counted). It is checked before the document is parsed, so it also
	// bounds the work of parsing and validating.
	MaxTokens int
	// MaxFieldRepeats bounds how often one response name (a field's alias,
	// or its name) may be selected in one merged selection set: a selection
	// set with its inline fragments and the fragments it spreads, and the
	// union of the selection sets of the fields selected under one name
	// (see mostRepeatedField). GraphQL's validation compares every two
	// fields of such a set that share a response name (the rule that they
	// can be merged), so its work grows with the square of this number:
	// 1,900 copies of one field, which 2,000 tokens allow, took 0.3 s to
	// validate, as did 14 copies of a field each selecting 95 copies of
	// another, and 18 fragments each selecting 95 copies of a field, spread
	// in one set. It is checked on the parsed document, before validation.
	MaxFieldRepeats int
	// MaxDepth bounds the nesting of fields: { a { b } } is 2 deep.
	MaxDepth int
	// MaxAliases bounds the aliased fields.
	MaxAliases int
	// MaxRootFields bounds the fields selected on the operation's root type.
	MaxRootFields int
	// MaxDirectives bounds the directives used.
	MaxDirectives int
	// MaxCost bounds the estimated cost: the number of objects the response
	// may hold. Every object-typed field costs 1 for each time it can
	// appear; a field with a first, last or limit argument multiplies what
	// its list fields (nodes, edges) cost by that argument, or by
	// DefaultListSize when it is not given; a field given a list of IDs
	// (an argument named ids or ending in Ids, as in nodes(ids: [...]) or
	// subgraph(ids: [...])) multiplies itself, when a list, or else its
	// list fields by the number of IDs. Scalars cost nothing. So documents(first: 100000) { nodes { id } }
	// costs 100001, and documents { nodes { id } } 101.
	MaxCost int
	// DefaultListSize is the page size assumed for a paged field asked for
	// without first, last or limit; it should be the resolver's
	// DefaultPageSize.
	DefaultListSize int
	// FieldCosts sets the cost of one instance of a field, keyed by
	// "Type.field" (e.g. "Query.cypher"), in place of 1 for object fields
	// and 0 for scalars: for fields that do far more work than what they
	// return shows. The map is only read.
	FieldCosts map[string]int
}

// DefaultLimits returns limits that every documented query fits in with
// room to spare, while deeply nested, aliased or huge-paged queries are
// refused.
func DefaultLimits() Limits {
	return Limits{
		MaxTokens:       2000,
		MaxFieldRepeats: 100,
		MaxDepth:        10,
		MaxAliases:      15,
		MaxRootFields:   10,
		MaxDirectives:   50,
		MaxCost:         50000,
		DefaultListSize: 100,
	}
}

// LimitExtensions returns the gqlgen extensions enforcing l; add each with
// srv.Use. The first checks the token count before parsing; the second
// checks the other limits after validation, before anything is resolved.
func LimitExtensions(l Limits) []graphql.HandlerExtension {
	if l.DefaultListSize <= 0 {
		l.DefaultListSize = DefaultLimits().DefaultListSize
	}
	return []graphql.HandlerExtension{documentLimits{maxTokens: l.MaxTokens, maxFieldRepeats: l.MaxFieldRepeats},
		&queryLimits{limits: l}}
}

// UseLimits adds the extensions enforcing l to srv.
func UseLimits(srv *handler.Server, l Limits) {
	for _, ext := range LimitExtensions(l) {
		srv.Use(ext)
	}
}

// limitError is the error of a request refused for going over a limit.
func limitError(code string, limit, actual int, format string, args ...any) *gqlerror.Error {
	ext := map[string]any{"code": code, "limit": limit}
	if actual >= 0 {
		ext["actual"] = actual
	}
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: ext}
}

// documentLimits refuses documents of more than maxTokens tokens, counted
// with gqlparser's lexer before the document is parsed, and then
// documents that select one response name more than maxFieldRepeats times
// in a selection set, before they are validated.
type documentLimits struct{ maxTokens, maxFieldRepeats int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimits{}

// ExtensionName names the extension.
func (documentLimits) ExtensionName() string { return "DocumentLimits" }

// Validate accepts every schema.
func (documentLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses a query of too many tokens, or one
// that repeats a field too often. A lexical error stops the count, and a
// document that does not parse is not measured: gqlgen's parser then
// reports the error.
func (l documentLimits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	tokens := -1
	if l.maxTokens > 0 {
		if tokens = countTokens(p.Query, l.maxTokens+1); tokens > l.maxTokens {
			return limitError(CodeTokenLimit, l.maxTokens, -1,
				"The query has more than %d tokens. Send a smaller query.", l.maxTokens)
		}
	}
	// A merged selection set holds no more fields than the document has
	// tokens: a document of at most maxFieldRepeats tokens needs no
	// parsing here.
	if l.maxFieldRepeats <= 0 || (tokens >= 0 && tokens <= l.maxFieldRepeats) {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil
	}
	if name, n := mostRepeatedField(doc, l.maxFieldRepeats); n > l.maxFieldRepeats {
		return limitError(CodeFieldRepeatLimit, l.maxFieldRepeats, n,
			"The query selects %q %d times in one selection set; at most %d are allowed.", name, n, l.maxFieldRepeats)
	}
	return nil
}

// mostRepeatedField returns the response name selected most often in one
// merged selection set of doc, and how often, stopping once it finds one
// selected more than limit times. A merged selection set is what GraphQL's
// field-merging rule compares field by field: a selection set with the
// fields of its inline fragments and of the fragments it spreads (each
// once), and, under every response name, the union of the selection sets
// of the fields selected under it. So { a { id } a { id } } selects id
// twice, as does a set spreading two fragments that each select it.
// Counting stops, with what it found so far, after looking at
// repeatCountBudget selections: fragments spread under many fields are
// counted again under each, which could take long, and cost validation
// nothing, as the rule compares two fragments only once.
func mostRepeatedField(doc *ast.QueryDocument, limit int) (string, int) {
	c := repeatCounter{frags: map[string]*ast.FragmentDefinition{}, limit: limit, budget: repeatCountBudget}
	for _, f := range doc.Fragments {
		c.frags[f.Name] = f
	}
	for _, op := range doc.Operations {
		c.count([]ast.SelectionSet{op.SelectionSet})
	}
	for _, f := range doc.Fragments {
		c.count([]ast.SelectionSet{f.SelectionSet})
	}
	return c.name, c.most
}

// repeatCountBudget is how many selections mostRepeatedField looks at at
// most: ten times what a document within the default token limit holds,
// and 5 ms of work for a document of fragments spread under many fields
// (30 levels of three fields each spreading the next).
const repeatCountBudget = 20000

// repeatCounter counts the repetitions of response names in merged
// selection sets (see mostRepeatedField).
type repeatCounter struct {
	frags  map[string]*ast.FragmentDefinition
	limit  int
	budget int
	// name is the response name selected most often so far, most times.
	name string
	most int
}

// done reports whether counting is over: a name is over the limit, or
// the budget is spent.
func (c *repeatCounter) done() bool { return c.most > c.limit || c.budget <= 0 }

// count counts the merged selection set made of sets, then, name by name,
// the merged selection sets of the fields selected under each name.
func (c *repeatCounter) count(sets []ast.SelectionSet) {
	byName := map[string][]*ast.Field{}
	var names []string
	spread := map[string]bool{}
	var collect func(set ast.SelectionSet)
	collect = func(set ast.SelectionSet) {
		for _, sel := range set {
			if c.budget--; c.budget <= 0 {
				return
			}
			switch sel := sel.(type) {
			case *ast.Field:
				key := sel.Alias
				if key == "" {
					key = sel.Name
				}
				if byName[key] == nil {
					names = append(names, key)
				}
				byName[key] = append(byName[key], sel)
			case *ast.InlineFragment:
				collect(sel.SelectionSet)
			case *ast.FragmentSpread:
				if f := c.frags[sel.Name]; f != nil && !spread[sel.Name] {
					spread[sel.Name] = true
					collect(f.SelectionSet)
				}
			}
		}
	}
	for _, set := range sets {
		collect(set)
	}
	for _, key := range names {
		if n := len(byName[key]); n > c.most {
			c.name, c.most = key, n
		}
		if c.done() {
			return
		}
	}
	for _, key := range names {
		var children []ast.SelectionSet
		for _, f := range byName[key] {
			if len(f.SelectionSet) > 0 {
				children = append(children, f.SelectionSet)
			}
		}
		if len(children) > 0 {
			c.count(children)
		}
		if c.done() {
			return
		}
	}
}

// countTokens counts the tokens of query, comments excepted, stopping at
// stop.
func countTokens(query string, stop int) int {
	lex := lexer.New(&ast.Source{Input: query})
	n := 0
	for n < stop {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		if tok.Kind != lexer.Comment {
			n++
		}
	}
	return n
}

// queryLimits checks the limits measured on the validated operation.
type queryLimits struct {
	limits Limits
	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &queryLimits{}

// ExtensionName names the extension.
func (*queryLimits) ExtensionName() string { return "QueryLimits" }

// Validate keeps the schema, to tell object fields from scalars.
func (q *queryLimits) Validate(es graphql.ExecutableSchema) error {
	q.schema = es.Schema()
	return nil
}

// MutateOperationContext refuses an operation over a limit.
func (q *queryLimits) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil {
		return nil
	}
	m := Measure(q.schema, opCtx.Doc, opCtx.Operation, opCtx.Variables, q.limits)
	l := q.limits
	switch {
	case l.MaxRootFields > 0 && m.RootFields > l.MaxRootFields:
		return limitError(CodeRootFieldLimit, l.MaxRootFields, m.RootFields,
			"The query asks for %d root fields; at most %d are allowed.", m.RootFields, l.MaxRootFields)
	case l.MaxAliases > 0 && m.Aliases > l.MaxAliases:
		return limitError(CodeAliasLimit, l.MaxAliases, m.Aliases,
			"The query uses %d aliases; at most %d are allowed.", m.Aliases, l.MaxAliases)
	case l.MaxDirectives > 0 && m.Directives > l.MaxDirectives:
		return limitError(CodeDirectiveLimit, l.MaxDirectives, m.Directives,
			"The query uses %d directives; at most %d are allowed.", m.Directives, l.MaxDirectives)
	case l.MaxDepth > 0 && m.Depth > l.MaxDepth:
		return limitError(CodeDepthLimit, l.MaxDepth, m.Depth,
			"The query is nested %d fields deep; at most %d are allowed.", m.Depth, l.MaxDepth)
	case l.MaxCost > 0 && m.Cost > l.MaxCost:
		return limitError(CodeCostLimit, l.MaxCost, m.Cost,
			"The query may return up to %d objects; at most %d are allowed. Ask for smaller pages with first or last, or for fewer nested connections.",
			m.Cost, l.MaxCost)
	}
	return nil
}

// Measures are what Limits bound, measured on one operation.
type Measures struct {
	Depth, Aliases, RootFields, Directives, Cost int
}

// maxMeasure caps every measure, so that fragment bombs saturate instead
// of overflowing.
const maxMeasure = math.MaxInt32

func satAdd(a, b int) int { return min(a+b, maxMeasure) }

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxMeasure/b {
		return maxMeasure
	}
	return min(a*b, maxMeasure)
}

// Measure measures op of the validated document doc against schema, with
// the coerced variables vars, as l counts them (its DefaultListSize and
// FieldCosts; the maxima are not used). Fields the validator left
// unresolved count as scalars.
func Measure(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, l Limits) Measures {
	if l.DefaultListSize <= 0 {
		l.DefaultListSize = DefaultLimits().DefaultListSize
	}
	w := &measurer{
		schema: schema, doc: doc, vars: vars, defaultListSize: l.DefaultListSize, fieldCosts: l.FieldCosts,
		counts: map[string]counts{}, roots: map[string]int{}, costs: map[costKey]int{}, busy: map[string]bool{},
	}
	c := w.count(op.SelectionSet)
	return Measures{
		Depth:      c.depth,
		Aliases:    c.aliases,
		RootFields: w.rootFields(op.SelectionSet),
		Directives: satAdd(c.directives, len(op.Directives)),
		Cost:       w.cost(op.SelectionSet, 1),
	}
}

// counts are the measures of one selection set that do not depend on
// where it is used.
type counts struct{ depth, aliases, directives int }

type costKey struct {
	fragment string
	pending  int
}

// measurer walks one operation, measuring each fragment once.
type measurer struct {
	schema          *ast.Schema
	doc             *ast.QueryDocument
	vars            map[string]any
	defaultListSize int
	fieldCosts      map[string]int
	counts          map[string]counts
	roots           map[string]int
	costs           map[costKey]int
	// busy holds the fragments being walked; validation forbids cycles,
	// but a cycle must not hang the walk all the same.
	busy map[string]bool
}

func (w *measurer) fragment(s *ast.FragmentSpread) *ast.FragmentDefinition {
	if s.Definition != nil {
		return s.Definition
	}
	if w.doc == nil {
		return nil
	}
	return w.doc.Fragments.ForName(s.Name)
}

// isIntrospection tells the introspection fields left out of depth and
// cost.
func isIntrospection(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" }

func (w *measurer) count(set ast.SelectionSet) counts {
	var c counts
	for _, sel := range set {
		var s counts
		switch sel := sel.(type) {
		case *ast.Field:
			s.directives = len(sel.Directives)
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = 1
			}
			sub := w.count(sel.SelectionSet)
			s.aliases = satAdd(s.aliases, sub.aliases)
			s.directives = satAdd(s.directives, sub.directives)
			s.depth = 1
			if !isIntrospection(sel) {
				s.depth = satAdd(1, sub.depth)
			}
		case *ast.InlineFragment:
			s = w.count(sel.SelectionSet)
			s.directives = satAdd(s.directives, len(sel.Directives))
		case *ast.FragmentSpread:
			s = w.countFragment(sel)
			s.directives = satAdd(s.directives, len(sel.Directives))
		}
		c.depth = max(c.depth, s.depth)
		c.aliases = satAdd(c.aliases, s.aliases)
		c.directives = satAdd(c.directives, s.directives)
	}
	return c
}

func (w *measurer) countFragment(s *ast.FragmentSpread) counts {
	if c, ok := w.counts[s.Name]; ok {
		return c
	}
	def := w.fragment(s)
	if def == nil || w.busy[s.Name] {
		return counts{}
	}
	w.busy[s.Name] = true
	c := w.count(def.SelectionSet)
	c.directives = satAdd(c.directives, len(def.Directives))
	delete(w.busy, s.Name)
	w.counts[s.Name] = c
	return c
}

// rootFields counts the fields of the root selection set, through
// fragments.
func (w *measurer) rootFields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n = satAdd(n, 1)
		case *ast.InlineFragment:
			n = satAdd(n, w.rootFields(sel.SelectionSet))
		case *ast.FragmentSpread:
			n = satAdd(n, w.rootFragment(sel))
		}
	}
	return n
}

func (w *measurer) rootFragment(s *ast.FragmentSpread) int {
	if n, ok := w.roots[s.Name]; ok {
		return n
	}
	def := w.fragment(s)
	if def == nil || w.busy[s.Name] {
		return 0
	}
	w.busy[s.Name] = true
	n := w.rootFields(def.SelectionSet)
	delete(w.busy, s.Name)
	w.roots[s.Name] = n
	return n
}

// cost returns the cost of set for one instance of its parent. pending is
// the page size of the parent's paged field, which the list fields of set
// (nodes, edges) multiply their cost by.
func (w *measurer) cost(set ast.SelectionSet, pending int) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = satAdd(total, w.fieldCost(sel, pending))
		case *ast.InlineFragment:
			total = satAdd(total, w.cost(sel.SelectionSet, pending))
		case *ast.FragmentSpread:
			total = satAdd(total, w.fragmentCost(sel, pending))
		}
	}
	return total
}

func (w *measurer) fragmentCost(s *ast.FragmentSpread, pending int) int {
	key := costKey{s.Name, pending}
	if c, ok := w.costs[key]; ok {
		return c
	}
	def := w.fragment(s)
	if def == nil || w.busy[s.Name] {
		return 0
	}
	w.busy[s.Name] = true
	c := w.cost(def.SelectionSet, pending)
	delete(w.busy, s.Name)
	w.costs[key] = c
	return c
}

func (w *measurer) fieldCost(f *ast.Field, pending int) int {
	def := f.Definition
	if def == nil || isIntrospection(f) {
		return 0
	}
	self := 0
	if w.isComposite(def.Type) {
		self = 1
	}
	if f.ObjectDefinition != nil {
		if c, ok := w.fieldCosts[f.ObjectDefinition.Name+"."+f.Name]; ok {
			self = max(c, 0)
		}
	}
	ids := w.idsLen(f)
	times, childPending := 1, 1
	if def.Type.Elem != nil {
		times = max(pending, ids)
	}
	if size, paged := w.pageSize(f); paged {
		childPending = size
	} else if def.Type.Elem == nil {
		childPending = ids
	}
	return satMul(times, satAdd(self, w.cost(f.SelectionSet, childPending)))
}

func (w *measurer) isComposite(t *ast.Type) bool {
	if w.schema == nil {
		return false
	}
	d := w.schema.Types[t.Name()]
	return d != nil && (d.Kind == ast.Object || d.Kind == ast.Interface || d.Kind == ast.Union)
}

// isPageArg tells the arguments that set how many items a field returns.
func isPageArg(name string) bool { return name == "first" || name == "last" || name == "limit" }

// pageSize returns the page size f asks for and whether f is paged: the
// largest of its first, last and limit arguments (or their defaults in
// the schema), or the default list size when none has a value.
func (w *measurer) pageSize(f *ast.Field) (int, bool) {
	paged, size, given := false, 0, false
	for _, def := range f.Definition.Arguments {
		if !isPageArg(def.Name) {
			continue
		}
		paged = true
		v := def.DefaultValue
		if a := f.Arguments.ForName(def.Name); a != nil {
			v = a.Value
		}
		if n, ok := w.intValue(v); ok {
			size, given = max(size, n), true
		}
	}
	if !paged {
		return 0, false
	}
	if !given {
		size = w.defaultListSize
	}
	return size, true
}

// idsLen returns the length of the longest list of IDs f is given (an
// argument named ids or ending in Ids, as in nodes(ids: [...])), or 1.
func (w *measurer) idsLen(f *ast.Field) int {
	n := 1
	for _, a := range f.Arguments {
		switch {
		case a.Value == nil || (a.Name != "ids" && !strings.HasSuffix(a.Name, "Ids")):
		case a.Value.Kind == ast.ListValue:
			n = max(n, len(a.Value.Children))
		case a.Value.Kind == ast.Variable:
			if l, ok := w.vars[a.Value.Raw].([]any); ok {
				n = max(n, len(l))
			}
		}
	}
	return n
}

// intValue returns the non-negative integer value v stands for.
func (w *measurer) intValue(v *ast.Value) (int, bool) {
	if v == nil {
		return 0, false
	}
	var raw any
	switch v.Kind {
	case ast.IntValue:
		raw = v.Raw
	case ast.Variable:
		val, ok := w.vars[v.Raw]
		if !ok && v.VariableDefinition != nil && v.VariableDefinition.DefaultValue != nil {
			return w.intValue(v.VariableDefinition.DefaultValue)
		}
		raw = val
	default:
		return 0, false
	}
	var n int64
	switch x := raw.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case float64:
		n = int64(min(max(x, 0), maxMeasure))
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return 0, false
		}
		n = i
	case string:
		i, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, false
		}
		n = i
	default:
		return 0, false
	}
	return int(min(max(n, 0), maxMeasure)), true
}

// ProductionMode hardens srv for production. "Did you mean" suggestions
// are turned off: they reveal the schema even when introspection is off.
// Errors are masked: one with the code INTERNAL, or without a code but
// carrying a Go error (so not written for clients), becomes
// "Internal error." with the code INTERNAL, and every error keeps only the
// extensions meant for clients (code, field, limit, actual). Call it once,
// after NewHandler; it adds to the error presenter, which already masks
// resolver failures.
func ProductionMode(srv *handler.Server) {
	srv.SetDisableSuggestion(true)
	srv.Use(productionErrors{})
}

// productionErrors strips suggestions and masks errors in responses.
type productionErrors struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = productionErrors{}

// ExtensionName names the extension.
func (productionErrors) ExtensionName() string { return "ProductionErrors" }

// Validate accepts every schema.
func (productionErrors) Validate(graphql.ExecutableSchema) error { return nil }

// withoutSuggestion cuts the "Did you mean ...?" tail gqlparser adds to
// validation messages that SetDisableSuggestion does not cover (arguments,
// enum values, input fields, types).
func withoutSuggestion(msg string) string {
	if i := strings.Index(msg, " Did you mean "); i >= 0 {
		return msg[:i]
	}
	return msg
}

// clientExtension tells the extensions kept in production.
func clientExtension(key string) bool {
	return key == "code" || key == "field" || key == "limit" || key == "actual" || key == "requestId"
}

// InterceptResponse rewrites the errors of a response.
func (productionErrors) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) == 0 {
		return resp
	}
	out := make(gqlerror.List, 0, len(resp.Errors))
	for _, e := range resp.Errors {
		if e == nil {
			continue
		}
		code, _ := e.Extensions["code"].(string)
		if code == CodeInternal || (code == "" && e.Err != nil) {
			out = append(out, &gqlerror.Error{Message: "Internal error.", Path: e.Path,
				Extensions: map[string]any{"code": CodeInternal}})
			continue
		}
		c := &gqlerror.Error{Message: withoutSuggestion(e.Message), Path: e.Path, Locations: e.Locations, Rule: e.Rule}
		for k, v := range e.Extensions {
			if clientExtension(k) {
				if c.Extensions == nil {
					c.Extensions = map[string]any{}
				}
				c.Extensions[k] = v
			}
		}
		out = append(out, c)
	}
	resp.Errors = out
	return resp
}
