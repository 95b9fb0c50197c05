package reliability

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
)

// Ack is an acknowledged write: after it, the node ID holds at least
// version Version, and exactly Title when it holds version Version.
type Ack struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Title   string `json:"title"`
}

// Ledger records acknowledged writes. It is safe for concurrent use.
type Ledger struct {
	mu   sync.Mutex
	acks map[string]Ack
	all  []Ack // every write, in the order recorded
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{acks: map[string]Ack{}} }

// Record records an acknowledged write; a node keeps its latest version.
func (l *Ledger) Record(a Ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, a)
	if old, ok := l.acks[a.ID]; !ok || a.Version >= old.Version {
		l.acks[a.ID] = a
	}
}

// Writes returns the number of acknowledged writes recorded.
func (l *Ledger) Writes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.all)
}

// Acks returns the latest acknowledged write of every node, by ID.
func (l *Ledger) Acks() []Ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Ack, 0, len(l.acks))
	for _, a := range l.acks {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Save writes the ledger to path: every acknowledged write in the order
// recorded, one JSON Ack a line.
func (l *Ledger) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	l.mu.Lock()
	all := slices.Clone(l.all)
	l.mu.Unlock()
	for _, a := range all {
		if err := enc.Encode(a); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadLedger reads ledgers written by Save and merges them.
func LoadLedger(paths ...string) (*Ledger, error) {
	l := NewLedger()
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var a Ack
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			l.Record(a)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Verification is what Verify found.
type Verification struct {
	// Checked is the number of nodes checked.
	Checked int `json:"checked"`
	// Missing lists acknowledged nodes the server does not have.
	Missing []string `json:"missing"`
	// Stale lists nodes older than their acknowledged version, or with
	// another title at that version.
	Stale []string `json:"stale"`
}

// Lost is the number of acknowledged writes not found.
func (v Verification) Lost() int { return len(v.Missing) + len(v.Stale) }

// verifyBatch is how many nodes Verify reads per request.
const verifyBatch = 200

// Verify reads every node of the ledger from the server and checks that
// each acknowledged write is there.
func Verify(ctx context.Context, c *Client, l *Ledger) (Verification, error) {
	acks := l.Acks()
	var v Verification
	for start := 0; start < len(acks); start += verifyBatch {
		batch := acks[start:min(start+verifyBatch, len(acks))]
		ids := make([]string, len(batch))
		for i, a := range batch {
			ids[i] = a.ID
		}
		resp, err := c.Do(ctx, `query Verify($ids: [ID!]!) { nodes(ids: $ids) { id ... on Document { version title } } }`,
			map[string]any{"ids": ids})
		if err != nil {
			return v, fmt.Errorf("verify: %w", err)
		}
		if !resp.OK() {
			return v, fmt.Errorf("verify: %s %v", resp.Class(), resp.Errors)
		}
		var data struct {
			Nodes []*struct {
				ID      string `json:"id"`
				Version int    `json:"version"`
				Title   string `json:"title"`
			} `json:"nodes"`
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			return v, fmt.Errorf("verify: %w", err)
		}
		if len(data.Nodes) != len(batch) {
			return v, fmt.Errorf("verify: %d answers for %d IDs", len(data.Nodes), len(batch))
		}
		for i, a := range batch {
			v.Checked++
			n := data.Nodes[i]
			switch {
			case n == nil || n.ID != a.ID:
				v.Missing = append(v.Missing, a.ID)
			case n.Version < a.Version || (n.Version == a.Version && n.Title != a.Title):
				v.Stale = append(v.Stale, fmt.Sprintf("%s (acknowledged v%d %q, stored v%d %q)", a.ID, a.Version, a.Title, n.Version, n.Title))
			}
		}
	}
	return v, nil
}
