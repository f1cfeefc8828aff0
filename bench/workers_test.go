package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/gonas/gonas/nas/natsexec/natstest"
)

// BenchmarkWorkers is the throughput of a distributed multi-trial search: the tiny
// preset's search (MNIST; 3 batches of 3 children, then 2 rerank and 3 transfer
// trials) run through an embedded NATS server by 1, 2, 3... `gonas worker`
// processes on this machine. The rate is trials per minute of the search phase
// (the 9 children, all trained alike, controller updates included; the rerank and
// transfer trials are longer and are left out of the rate). One line per worker
// count: "workers=N trials=T search_seconds=S trials_per_min=R
// whole_search_seconds=W". Every iteration is a new search (its own name), so
// nothing is answered from the record; the workers' first trial includes loading
// MNIST and compiling, as in a real search.
//
// It starts processes and takes minutes, so it runs only when GONAS_BENCH_WORKERS
// lists the worker counts to measure (bench/run.sh's "-bench ." skips it):
//
//	GONAS_BENCH_WORKERS=1,2,3 go test -run '^$' -bench Workers -benchtime 1x ./bench/
func BenchmarkWorkers(b *testing.B) {
	counts, err := workerCounts(os.Getenv("GONAS_BENCH_WORKERS"))
	if err != nil {
		b.Fatal(err)
	}
	if len(counts) == 0 {
		b.Skip("set GONAS_BENCH_WORKERS=1,2,3 to run (starts worker processes; minutes)")
	}
	ctx := context.Background()
	bin, err := natstest.BuildGonas(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range counts {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			srv, url, err := natsexec.StartServer(filepath.Join(b.TempDir(), "nats"), 0)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Shutdown()
			for i := range n {
				w, err := natstest.StartWorker(bin, url, fmt.Sprintf("w%d", i+1), time.Minute)
				if err != nil {
					b.Fatal(err)
				}
				defer w.Kill()
			}
			trials, searchSeconds, iter := 0, 0.0, 0
			start := time.Now()
			for b.Loop() {
				iter++
				res := runTinySearch(b, url, fmt.Sprintf("bench-w%d-%d", n, iter))
				trials += len(res.Trials)
				searchSeconds += res.SearchSeconds
			}
			rate := float64(trials) / (searchSeconds / 60)
			b.ReportMetric(rate, "trials/min")
			fmt.Printf("workers=%d trials=%d search_seconds=%.1f trials_per_min=%.2f whole_search_seconds=%.1f\n",
				n, trials, searchSeconds, rate, time.Since(start).Seconds())
		})
	}
}

// runTinySearch runs the tiny preset's search as search through the server at url.
func runTinySearch(b *testing.B, url, search string) *multitrial.SearchResult {
	cfg, err := multitrial.Preset("tiny")
	if err != nil {
		b.Fatal(err)
	}
	exec, err := natsexec.New(context.Background(), url, search)
	if err != nil {
		b.Fatal(err)
	}
	defer exec.Close()
	res, err := multitrial.Search(context.Background(), &cfg, exec, nil)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// workerCounts parses GONAS_BENCH_WORKERS: worker counts separated by commas.
func workerCounts(list string) ([]int, error) {
	var counts []int
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("GONAS_BENCH_WORKERS=%q: %q is not a worker count (want e.g. 1,2,3)", list, f)
		}
		counts = append(counts, n)
	}
	return counts, nil
}
