package reliability

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// Snapshot sums up what a store holds: its Stats and a checksum of every
// node (ID, kind, version and properties).
type Snapshot struct {
	Stats    *emnkg.GraphStats
	Nodes    int
	Checksum string
}

// Equal tells snapshots of the same data.
func (s Snapshot) Equal(o Snapshot) bool {
	return s.Checksum == o.Checksum && s.Nodes == o.Nodes && statsString(s.Stats) == statsString(o.Stats)
}

// statsString writes stats with sorted keys.
func statsString(st *emnkg.GraphStats) string {
	if st == nil {
		return "<nil>"
	}
	return fmt.Sprintf("nodes %v, relationships %v", st.NodesByKind, st.EdgesByType)
}

// String describes the snapshot.
func (s Snapshot) String() string {
	return fmt.Sprintf("%d nodes, checksum %.16s, %s", s.Nodes, s.Checksum, statsString(s.Stats))
}

// TakeSnapshot reads every node of store, kind by kind in ID order.
func TakeSnapshot(ctx context.Context, store emnkg.Store) (Snapshot, error) {
	stats, err := store.Stats(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	h := sha256.New()
	n := 0
	kinds := emnkg.Kinds()
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	for _, kind := range kinds {
		for offset := 0; ; offset += emnkg.MaxPageSize {
			page, err := store.FindNodes(ctx, emnkg.NodeQuery{Kind: kind, Sort: []emnkg.SortField{{Field: "id"}},
				Offset: offset, Limit: emnkg.MaxPageSize})
			if err != nil {
				return Snapshot{}, fmt.Errorf("read %s nodes: %w", kind, err)
			}
			for _, node := range page.Nodes {
				props, err := json.Marshal(node.Props) // map keys are sorted
				if err != nil {
					return Snapshot{}, err
				}
				fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\n", node.Kind, node.ID, node.Version, props)
				n++
			}
			if !page.HasMore {
				break
			}
		}
	}
	return Snapshot{Stats: stats, Nodes: n, Checksum: hex.EncodeToString(h.Sum(nil))}, nil
}
