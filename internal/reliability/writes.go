package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// Writer makes acknowledged writes: it creates Documents named
// <Prefix>-<n> and updates the ones it created, recording every write the
// server acknowledged in Ledger. One Writer must be used by one goroutine;
// give concurrent writers distinct prefixes.
type Writer struct {
	Client *Client
	Ledger *Ledger
	// Prefix starts the IDs of the Documents it creates, e.g. "rel-a1-w3".
	Prefix string
	// UpdateShare is the share of writes that update (0 to 1).
	UpdateShare float64

	rng     *rand.Rand
	created []string
	version map[string]int
	n       int
}

// Outcome is the result of one write.
type Outcome struct {
	// Class is "ok" for an acknowledged write, else the error class.
	Class string
	// Update tells an update from a create.
	Update bool
	// RetryAfter is the wait the server asked for, or 0.
	RetryAfter time.Duration
}

// Write sends one create or update mutation and records it when it is
// acknowledged. A transport error (no response) returns Class set by
// TransportClass and err.
func (w *Writer) Write(ctx context.Context) (Outcome, error) {
	if w.rng == nil {
		w.rng = rand.New(rand.NewPCG(uint64(len(w.Prefix)), uint64(hash(w.Prefix))))
		w.version = map[string]int{}
	}
	w.n++
	title := fmt.Sprintf("Reliability document %s, write %d", w.Prefix, w.n)
	if len(w.created) > 0 && w.rng.Float64() < w.UpdateShare {
		id := w.created[w.rng.IntN(len(w.created))]
		resp, err := w.Client.Do(ctx, `mutation U($id: ID!, $title: String!) { updateDocument(id: $id, input: {title: $title}) { id version title } }`,
			map[string]any{"id": id, "title": title})
		return w.record(resp, err, "updateDocument", true)
	}
	id := fmt.Sprintf("%s-%d", w.Prefix, w.n)
	resp, err := w.Client.Do(ctx, `mutation C($id: ID!, $title: String!) { createDocument(input: {id: $id, title: $title,
		kind: "study", year: 2026, source: "reliability test"}) { id version title } }`,
		map[string]any{"id": id, "title": title})
	return w.record(resp, err, "createDocument", false)
}

func (w *Writer) record(resp *Response, err error, field string, update bool) (Outcome, error) {
	if err != nil {
		return Outcome{Class: TransportClass(err), Update: update}, err
	}
	if !resp.OK() {
		return Outcome{Class: resp.Class(), Update: update, RetryAfter: resp.RetryAfter}, nil
	}
	var data map[string]Ack
	if err := json.Unmarshal(resp.Data, &data); err != nil || data[field].ID == "" {
		return Outcome{Class: "bad_answer", Update: update}, nil
	}
	a := data[field]
	w.Ledger.Record(a)
	if _, seen := w.version[a.ID]; !seen {
		w.created = append(w.created, a.ID)
	}
	w.version[a.ID] = a.Version
	return Outcome{Class: "ok", Update: update}, nil
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}
