package sqlite

import (
	"strings"
	"testing"
)

func TestZZProf6(t *testing.T) {
	s := openPerfStore(t, 100_000)
	base := `SELECT n0.id AS n0, n1.id AS n1, n2.id AS n2, n3.id AS n3, e0.id AS e0, e1.id AS e1, e2.id AS e2 FROM nodes AS n0 INDEXED BY nodes_kind CROSS JOIN edges AS e0 ON e0.dst = n0.id AND (e0.type = 'REPRESENTS') CROSS JOIN nodes AS n1 ON n1.id = e0.src CROSS JOIN edges AS e1 ON e1.src = n1.id AND (e1.type = 'CONTRIBUTED_TO') CROSS JOIN nodes AS n2 ON n2.id = e1.dst CROSS JOIN edges AS e2 ON e2.src = n2.id AND (e2.type = 'USES_TERM') CROSS JOIN nodes AS n3 ON n3.id = e2.dst WHERE n0.kind = 'Country' AND KINDS AND e1.rowid <> e0.rowid AND e2.rowid <> e0.rowid AND e2.rowid <> e1.rowid ORDER BY n0.id, n1.id, n2.id, n3.id, e0.id, e1.id, e2.id LIMIT 51`
	variants := map[string]string{
		"A": "n1.kind = 'NationalContactPoint' AND n2.kind = 'Document' AND n3.kind = 'GlossaryTerm'",
		"B": "+n1.kind = 'NationalContactPoint' AND +n2.kind = 'Document' AND +n3.kind = 'GlossaryTerm'",
		"D": "n1.kind = 'NationalContactPoint' AND n2.kind = 'Document' AND n3.kind = 'GlossaryTerm'",
		"C": "likely(n1.kind = 'NationalContactPoint') AND likely(n2.kind = 'Document') AND likely(n3.kind = 'GlossaryTerm')",
	}
	for _, name := range []string{"A", "D"} {
		q := strings.Replace(base, "KINDS", variants[name], 1)
		if name == "D" {
			q = strings.Replace(q, "INDEXED BY nodes_kind CROSS JOIN", "INDEXED BY nodes_kind CROSS JOIN json_each('[0]') AS fence CROSS JOIN", 1)
		}
		for _, st := range queryPlan(t, s, q, nil) { t.Log(name, " ", st) }
		for range 2 {
			c0 := cpuNow()
			rows, err := s.rdb.Query(q)
			if err != nil { t.Fatal(err) }
			n := 0
			for rows.Next() { n++ }
			rows.Close()
			t.Logf("%s rows %d cpu %v", name, n, cpuNow()-c0)
		}
	}
}
