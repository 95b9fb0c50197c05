package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/emnkg/emnkg/internal/app"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/synth"
)

// maxGenerateBatch bounds the nodes of one import transaction.
const maxGenerateBatch = 100000

// generateCmd registers the flags of the generate command on fs and returns
// the command, which writes its progress to out.
func generateCmd(fs *flag.FlagSet, out io.Writer) func(context.Context, *app.Config, *slog.Logger) error {
	nodes := fs.Int("nodes", 0, fmt.Sprintf("number of synthetic nodes to generate (at least %d; about 5 relationships each; flag only)", synth.MinNodes))
	seed := fs.Int64("seed", 1, "seed of the generator: the same --nodes and --seed give the same graph (flag only)")
	batch := fs.Int("batch", synth.DefaultBatchSize, "nodes imported per transaction (with their relationships; flag only)")
	return func(ctx context.Context, cfg *app.Config, logger *slog.Logger) error {
		return generate(ctx, cfg, out, *nodes, *seed, *batch)
	}
}

// generate imports a synthetic graph into the configured store, batch by
// batch, printing progress and totals to out.
func generate(ctx context.Context, cfg *app.Config, out io.Writer, nodes int, seed int64, batch int) error {
	if nodes < synth.MinNodes {
		return fmt.Errorf("--nodes must be at least %d (got %d)", synth.MinNodes, nodes)
	}
	if batch < 1 || batch > maxGenerateBatch {
		return fmt.Errorf("--batch must be between 1 and %d (got %d)", maxGenerateBatch, batch)
	}
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()

	fmt.Fprintf(out, "generating %d synthetic nodes (seed %d, %d per batch) into %s\n",
		nodes, seed, batch, app.StoreName(cfg))
	start := time.Now()
	var total emnkg.ImportResult
	var doneNodes, doneEdges, batches int
	err = synth.Generate(nodes, seed, func(g *emnkg.Graph) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, e := len(g.Nodes), len(g.Edges)
		res, err := store.ImportGraph(ctx, g)
		if err != nil {
			return fmt.Errorf("import batch %d: %w", batches+1, err)
		}
		batches++
		doneNodes += n
		doneEdges += e
		add(&total, res)
		elapsed := time.Since(start)
		fmt.Fprintf(out, "batch %d: %d/%d nodes, %d relationships (%s, %.0f nodes/s)\n",
			batches, doneNodes, nodes, doneEdges, elapsed.Round(time.Millisecond), float64(doneNodes)/elapsed.Seconds())
		return nil
	}, batch)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(out, "done in %s: %d nodes (%d created, %d updated, %d unchanged), "+
		"%d relationships (%d created, %d updated, %d unchanged), all with source %q\n",
		elapsed.Round(time.Millisecond), doneNodes, total.NodesCreated, total.NodesUpdated, total.NodesUnchanged,
		doneEdges, total.EdgesCreated, total.EdgesUpdated, total.EdgesUnchanged, synth.Source(seed))
	return nil
}

// add adds the counts of r to sum.
func add(sum *emnkg.ImportResult, r *emnkg.ImportResult) {
	sum.NodesCreated += r.NodesCreated
	sum.NodesUpdated += r.NodesUpdated
	sum.NodesUnchanged += r.NodesUnchanged
	sum.EdgesCreated += r.EdgesCreated
	sum.EdgesUpdated += r.EdgesUpdated
	sum.EdgesUnchanged += r.EdgesUnchanged
}
