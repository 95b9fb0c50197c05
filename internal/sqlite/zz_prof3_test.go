package sqlite

import (
	"testing"
	"time"
)

func TestZZProf3(t *testing.T) {
	s := openPerfStore(t, 100_000)
	ctx := t.Context()
	for _, q := range []string{
		`SELECT id, kind, version, props FROM nodes LIMIT 10000`,
		`SELECT id FROM nodes LIMIT 10000`,
		`SELECT n.id, n.kind, n.version, n.props FROM (SELECT id FROM edges LIMIT 10000) AS x JOIN nodes AS n ON n.id = substr(x.id, 1, instr(x.id, '|') - 1)`,
		`SELECT count(*) FROM (SELECT n.props FROM (SELECT id FROM edges LIMIT 10000) AS x JOIN nodes AS n ON n.id = substr(x.id, 1, instr(x.id, '|') - 1))`,
	} {
		for range 2 {
		c0 := cpuNow()
		rows, err := s.rdb.QueryContext(ctx, q)
		if err != nil { t.Fatal(err) }
		n := 0
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals { ptrs[i] = &vals[i] }
		for rows.Next() { rows.Scan(ptrs...); n++ }
		rows.Close()
		t.Logf("%d rows cpu %v: %s", n, cpuNow()-c0, q[:min(40, len(q))])
		}
	}
	_ = time.Now
}
