package neo4j

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Read-only Cypher for researchers. A query goes through three gates
// before it runs, and runs in a read transaction besides:
//
//  1. A scan of its text (outside strings and comments) refuses LOAD CSV
//     (it reads files and URLs), CALL ... IN TRANSACTIONS and every other
//     mention of TRANSACTIONS (SHOW/TERMINATE TRANSACTIONS), USE (another
//     database), administration commands (SHOW, TERMINATE, GRANT, ...),
//     EXPLAIN/PROFILE/CYPHER prefixes, and calls of procedures that are
//     not in readProcedures.
//  2. EXPLAIN of the query, in the read transaction, must report the query
//     type "r" (read only): writes, schema and DBMS procedures report
//     "w", "rw" or "s".
//  3. The plan must hold none of the operators that step 1 is about
//     (LoadCSV, TransactionApply, ProcedureCall of a procedure not
//     allowed, Show..., Terminate..., AdministrationCommand).
//
// Refused queries fail with EFORBIDDEN (they are valid Cypher, but not
// allowed here); queries Neo4j cannot compile or run fail with EINVALID
// and Neo4j's message; a query that runs longer than its timeout fails
// with EINVALID and says so. Nothing of a refused query is executed.

var _ emnkg.CypherRunner = (*Store)(nil)

// readProcedures returns the procedures a query may call: all read only.
func readProcedures() []string {
	return []string{
		"db.labels", "db.relationshipTypes", "db.propertyKeys",
		"db.schema.visualization", "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
		"db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
	}
}

// checkProcedure refuses a call of a procedure not in readProcedures.
func checkProcedure(name string) error {
	if slices.Contains(readProcedures(), name) {
		return nil
	}
	return forbidden("The procedure %s is not allowed; allowed are %s.", name, strings.Join(readProcedures(), ", "))
}

// adminCommand reports whether w is the first word of an administration
// command.
func adminCommand(w cypherToken) bool {
	for _, c := range []string{"SHOW", "TERMINATE", "GRANT", "DENY", "REVOKE", "START", "STOP", "ALTER", "DROP",
		"RENAME", "ENABLE", "DEALLOCATE", "REALLOCATE", "CREATE"} {
		if w.isWord(c) {
			return true
		}
	}
	return false
}

// forbidden returns an EFORBIDDEN error about a refused query.
func forbidden(format string, args ...any) error {
	return emnkg.Errorf(emnkg.EFORBIDDEN, format, args...)
}

// cypherToken is a token of a Cypher query: a word (keyword or name), a
// quoted name, or any other character.
type cypherToken struct {
	text   string
	word   bool // an unquoted identifier or keyword
	quoted bool // a name in backticks
}

// isWord reports whether t is the unquoted word w, in any case.
func (t cypherToken) isWord(w string) bool { return t.word && strings.EqualFold(t.text, w) }

// isName reports whether t can be part of a name.
func (t cypherToken) isName() bool { return t.word || t.quoted }

// lexCypher splits a query into tokens, leaving out white space, comments,
// string literals and numbers.
func lexCypher(q string) []cypherToken {
	rs := []rune(q)
	var out []cypherToken
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '/' && i+1 < len(rs) && rs[i+1] == '/':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case r == '/' && i+1 < len(rs) && rs[i+1] == '*':
			i += 2
			for i < len(rs) && (rs[i] != '*' || i+1 >= len(rs) || rs[i+1] != '/') {
				i++
			}
			i += 2
		case r == '\'' || r == '"':
			i++
			for i < len(rs) && rs[i] != r {
				if rs[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case r == '`':
			var b strings.Builder
			for i++; i < len(rs); i++ {
				if rs[i] == '`' {
					if i+1 < len(rs) && rs[i+1] == '`' {
						b.WriteRune('`')
						i++
						continue
					}
					break
				}
				b.WriteRune(rs[i])
			}
			i++
			out = append(out, cypherToken{text: b.String(), quoted: true})
		case unicode.IsLetter(r) || r == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_') {
				j++
			}
			out = append(out, cypherToken{text: string(rs[i:j]), word: true})
			i = j
		case unicode.IsDigit(r):
			for i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || rs[i] == '_') {
				i++
			}
		default:
			out = append(out, cypherToken{text: string(r)})
			i++
		}
	}
	return out
}

// keywordAt reports whether the word at toks[i] stands where a keyword
// can: not a property key (after "."), a label or map key (around ":"), a
// parameter (after "$") or an alias (after AS).
func keywordAt(toks []cypherToken, i int) bool {
	if !toks[i].word {
		return false
	}
	if i > 0 {
		switch p := toks[i-1]; {
		case p.text == "." || p.text == ":" || p.text == "$" || p.isWord("AS"):
			return false
		}
	}
	return i+1 >= len(toks) || toks[i+1].text != ":"
}

// procedureName reads the dotted name that starts at toks[i] and returns
// it with the index after it.
func procedureName(toks []cypherToken, i int) (string, int) {
	var parts []string
	for i < len(toks) && toks[i].isName() {
		parts = append(parts, toks[i].text)
		i++
		if i+1 < len(toks) && toks[i].text == "." && toks[i+1].isName() {
			i++
			continue
		}
		break
	}
	return strings.Join(parts, "."), i
}

// checkCypherText is the first gate: it refuses, from the text alone, the
// queries that the package comment lists.
func checkCypherText(q string) error {
	toks := lexCypher(q)
	if len(toks) == 0 {
		return invalid("The query is empty.")
	}
	first := toks[0]
	switch {
	case first.isWord("EXPLAIN") || first.isWord("PROFILE"):
		return invalid("Leave out %s: the query is explained before it runs anyway.", strings.ToUpper(first.text))
	case first.isWord("CYPHER"):
		return invalid("Query options (CYPHER ...) are not supported.")
	case adminCommand(first):
		return forbidden("Only read-only queries are allowed: %s commands are not.", strings.ToUpper(first.text))
	}
	for i, t := range toks {
		if !keywordAt(toks, i) {
			continue
		}
		switch {
		case t.isWord("LOAD") && i+1 < len(toks) && toks[i+1].isWord("CSV"):
			return forbidden("LOAD CSV is not allowed.")
		case t.isWord("TRANSACTIONS"):
			return forbidden("CALL { ... } IN TRANSACTIONS and transaction commands are not allowed.")
		case t.isWord("USE") && i+1 < len(toks) && toks[i+1].isName():
			return forbidden("USE is not allowed: queries run on the graph's database.")
		case t.isWord("CALL") && i+1 < len(toks) && toks[i+1].isName():
			name, _ := procedureName(toks, i+1)
			if err := checkProcedure(name); err != nil {
				return err
			}
		}
	}
	return nil
}

// planNode is one operator of a query plan.
type planNode struct {
	op       string // without the database suffix ("@neo4j")
	details  string
	children []planNode
}

// planTree returns the operators of a plan. The driver's Plan.Children
// (v5.28) returns the last child in place of each child (a loop variable
// shared under Go 1.18 semantics), so the tree is read by reflection from
// the plan the driver decoded, a *db.Plan behind the interface; should
// that change, Children is used.
func planTree(p neo4j.Plan) planNode {
	if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("plan"); f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() {
			if n, ok := planTreeOf(f.Elem()); ok {
				return n
			}
		}
	}
	details, _ := p.Arguments()["Details"].(string)
	n := planNode{op: operatorName(p.Operator()), details: details}
	for _, c := range p.Children() {
		n.children = append(n.children, planTree(c))
	}
	return n
}

// planTreeOf reads a db.Plan value: {Operator string, Arguments
// map[string]any, Children []db.Plan, ...}. It reports false when v does
// not have that shape.
func planTreeOf(v reflect.Value) (planNode, bool) {
	if v.Kind() != reflect.Struct {
		return planNode{}, false
	}
	op, args, children := v.FieldByName("Operator"), v.FieldByName("Arguments"), v.FieldByName("Children")
	if op.Kind() != reflect.String || args.Kind() != reflect.Map || children.Kind() != reflect.Slice ||
		args.Type().Key().Kind() != reflect.String {
		return planNode{}, false
	}
	n := planNode{op: operatorName(op.String())}
	if d := args.MapIndex(reflect.ValueOf("Details")); d.IsValid() {
		if d.Kind() == reflect.Interface {
			d = d.Elem()
		}
		if d.Kind() == reflect.String {
			n.details = d.String()
		}
	}
	for i := range children.Len() {
		c, ok := planTreeOf(children.Index(i))
		if !ok {
			return planNode{}, false
		}
		n.children = append(n.children, c)
	}
	return n, true
}

// operatorName strips the database suffix from an operator.
func operatorName(op string) string {
	name, _, _ := strings.Cut(op, "@")
	return name
}

// checkPlan is the third gate: it refuses plans with operators that only
// the refused queries have.
func checkPlan(n planNode) error {
	switch op := n.op; {
	case op == "LoadCSV":
		return forbidden("LOAD CSV is not allowed.")
	case strings.HasPrefix(op, "Transaction"):
		return forbidden("CALL { ... } IN TRANSACTIONS is not allowed.")
	case strings.HasPrefix(op, "Show") || strings.HasPrefix(op, "Terminate") || op == "AdministrationCommand":
		return forbidden("Only read-only queries are allowed: administration commands are not.")
	case op == "ProcedureCall":
		name, _, _ := strings.Cut(n.details, "(")
		if err := checkProcedure(strings.TrimSpace(name)); err != nil {
			return err
		}
	}
	for _, c := range n.children {
		if err := checkPlan(c); err != nil {
			return err
		}
	}
	return nil
}

// cypherParams converts query parameters decoded from JSON into values the
// driver takes: json.Number becomes int64 when it is an integer, else
// float64; lists and maps are converted throughout.
func cypherParams(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, invalid("The parameter value %s is not a number Cypher takes.", x)
		}
		return f, nil
	case int:
		return int64(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = cypherParams(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = cypherParams(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

// timeoutGrace is how long the client waits beyond a query's timeout for
// Neo4j to end the transaction itself.
const timeoutGrace = 5 * time.Second

// RunReadCypher refuses any query that could write or reach beyond the
// graph (see the gates above; EFORBIDDEN), then runs it in a managed read
// transaction under q.Timeout (the driver's transaction timeout, which
// Neo4j enforces) and reads at most q.MaxRows rows; Truncated says whether
// more existed. Values are converted as convertValue says.
func (s *Store) RunReadCypher(ctx context.Context, q emnkg.CypherQuery) (*emnkg.CypherResult, error) {
	switch {
	case strings.TrimSpace(q.Query) == "":
		return nil, invalid("The query is empty.")
	case q.MaxRows < 1:
		return nil, invalid("MaxRows must be at least 1.")
	case q.Timeout <= 0:
		return nil, invalid("The timeout must be positive.")
	}
	if err := checkCypherText(q.Query); err != nil {
		return nil, err
	}
	params, err := cypherParams(map[string]any(q.Parameters))
	if err != nil {
		return nil, err
	}
	p, _ := params.(map[string]any)
	// Like every read, it waits while Neo4j is away (not counted in the
	// query's timeout), and runs once more when Neo4j going away cut it.
	return held(ctx, s, func() (*emnkg.CypherResult, error) { return s.runReadCypherOnce(ctx, q, p) })
}

// runReadCypherOnce runs a checked query with its parameters under its
// timeout, in one managed read transaction that first explains it.
func (s *Store) runReadCypherOnce(ctx context.Context, q emnkg.CypherQuery, p map[string]any) (_ *emnkg.CypherResult, err error) {
	defer func(start time.Time) { s.Observe(false, start, err) }(time.Now())
	ctx, cancel := context.WithTimeout(ctx, q.Timeout+timeoutGrace)
	defer cancel()
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead,
		FetchSize: min(q.MaxRows+1, 1000)})
	defer func() { _ = sess.Close(context.WithoutCancel(ctx)) }()
	res, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (*emnkg.CypherResult, error) {
		if err := s.explainReadOnly(ctx, tx, q.Query, p); err != nil {
			return nil, err
		}
		return s.runRows(ctx, tx, q, p)
	}, neo4j.WithTxTimeout(q.Timeout))
	if err != nil {
		return nil, s.cypherError(err, q.Timeout)
	}
	return res, nil
}

// explainReadOnly is the second and third gate: EXPLAIN must report a
// read-only query whose plan checkPlan accepts.
func (s *Store) explainReadOnly(ctx context.Context, tx neo4j.ManagedTransaction, query string, p map[string]any) error {
	if s.queryHook != nil {
		s.queryHook("EXPLAIN "+query, p)
	}
	res, err := tx.Run(ctx, "EXPLAIN "+query, p)
	if err != nil {
		return err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return err
	}
	if t := sum.StatementType(); t != neo4j.StatementTypeReadOnly {
		return forbidden("Only read-only queries are allowed; Neo4j says this one is %s.", t)
	}
	if sum.Plan() == nil {
		return forbidden("Neo4j explained no plan for the query.")
	}
	return checkPlan(planTree(sum.Plan()))
}

// runRows runs the query and converts at most q.MaxRows rows.
func (s *Store) runRows(ctx context.Context, tx neo4j.ManagedTransaction, q emnkg.CypherQuery, p map[string]any) (*emnkg.CypherResult, error) {
	if s.queryHook != nil {
		s.queryHook(q.Query, p)
	}
	res, err := tx.Run(ctx, q.Query, p)
	if err != nil {
		return nil, err
	}
	keys, err := res.Keys()
	if err != nil {
		return nil, err
	}
	out := &emnkg.CypherResult{Columns: keys, Rows: [][]any{}}
	var raw [][]any
	for res.Next(ctx) {
		if len(raw) == q.MaxRows {
			out.Truncated = true
			break
		}
		raw = append(raw, res.Record().Values)
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	conv := newValueConverter()
	for _, row := range raw {
		for _, v := range row {
			conv.collect(v)
		}
	}
	if err := s.lookupEnds(ctx, tx, conv); err != nil {
		return nil, err
	}
	for _, row := range raw {
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = conv.convert(v)
		}
		out.Rows = append(out.Rows, vals)
	}
	return out, nil
}

// lookupEnds finds the node IDs of the relationship ends that conv needs
// and the result did not hold.
func (s *Store) lookupEnds(ctx context.Context, tx neo4j.ManagedTransaction, conv *valueConverter) error {
	missing := conv.missingEnds()
	if len(missing) == 0 {
		return nil
	}
	recs, err := s.run(ctx, tx, "MATCH (n:"+nodeLabel+") WHERE elementId(n) IN $eids RETURN elementId(n), n.id",
		map[string]any{"eids": missing})
	if err != nil {
		return err
	}
	for _, r := range recs {
		eid, _ := r.Values[0].(string)
		if id, ok := r.Values[1].(string); ok {
			conv.ids[eid] = id
		}
	}
	return nil
}

// The Neo4j error codes that RunReadCypher tells apart.
const (
	codeTimedOutClient = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
	codeTimedOut       = "Neo.ClientError.Transaction.TransactionTimedOut"
	codeAccessMode     = "Neo.ClientError.Statement.AccessMode"
)

// maxErrorMessage bounds how much of Neo4j's message an error quotes.
const maxErrorMessage = 1000

// cypherError turns an error of RunReadCypher into a client error where
// the query is at fault: a timeout, a write that the read transaction
// refused, or a query Neo4j cannot compile or run.
func (s *Store) cypherError(err error, timeout time.Duration) error {
	var appErr *emnkg.Error
	if errors.As(err, &appErr) {
		return err
	}
	timedOut := emnkg.Errorf(emnkg.EINVALID, "The query did not finish within its timeout of %v.", timeout)
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) {
		switch {
		case dbErr.Code == codeTimedOutClient || dbErr.Code == codeTimedOut:
			return fmt.Errorf("%w: %w", timedOut, err)
		case dbErr.Code == codeAccessMode:
			return fmt.Errorf("%w: %w", forbidden("Only read-only queries are allowed."), err)
		case strings.HasPrefix(dbErr.Code, "Neo.ClientError.Statement.") ||
			strings.HasPrefix(dbErr.Code, "Neo.ClientError.Procedure.") ||
			strings.HasPrefix(dbErr.Code, "Neo.ClientError.Schema."):
			msg := dbErr.Msg
			if len(msg) > maxErrorMessage {
				msg = msg[:maxErrorMessage] + "…"
			}
			return fmt.Errorf("%w: %w", emnkg.Errorf(emnkg.EINVALID, "Neo4j cannot run the query: %s", msg), err)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", timedOut, err)
	}
	return s.mapError(err)
}
