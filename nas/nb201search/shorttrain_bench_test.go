package nb201search

import (
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
)

// TestShortTrainingOfProxyPicks is a measurement, not a test: it asks whether a
// short training can tell apart the cells the zero-cost proxies rank highest
// ("proxies, then short-train the top K", BENCHMARKS.md "Zero-cost evaluators on
// NAS-Bench-201"). It reads the scores CSV that nas/zerocost's
// TestNB201ProxyCorrelation writes with GONAS_ZC_CSV (columns arch, naswot,
// synflow, …, cifar10_val, cifar10_test), takes the GONAS_ST_TOP cells with the
// highest rank sum naswot + synflow, trains each from scratch for GONAS_ST_STEPS
// SGD steps (C = GONAS_ST_C, N = GONAS_ST_N, batch 64, the supernet's optimizer,
// the same minibatches for every cell) and logs Kendall τ and Spearman ρ against
// cifar10-val of: the mean training loss over the last quarter of the steps
// (lower is better), and the accuracy on 512 images of the valid half.
//
//	GONAS_ST_CSV=/tmp/zc600.csv GONAS_ST_OUT=/tmp/st.csv go test ./nas/nb201search -run ShortTrainingOfProxyPicks -v -timeout 60m
func TestShortTrainingOfProxyPicks(t *testing.T) {
	path := os.Getenv("GONAS_ST_CSV")
	if path == "" {
		t.Skip("a measurement: set GONAS_ST_CSV to a zero-cost scores CSV")
	}
	rows, err := readScoresCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	top := rows[:min(envIntOr("GONAS_ST_TOP", 40), len(rows))]
	steps := envIntOr("GONAS_ST_STEPS", 100)
	cfg, err := Preset("short", "random", 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TrainImages, cfg.ScoreImages = 5000, 512
	d, err := LoadData(&cfg, "")
	if err != nil {
		t.Skip("no CIFAR-10: ", err)
	}
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	net := cfg.Network()
	net.Channels, net.CellsPerStage = envIntOr("GONAS_ST_C", 8), envIntOr("GONAS_ST_N", 1)
	tc := TrainConfig{LRMax: cfg.LRMax, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay, ClipNorm: cfg.ClipNorm, TotalSteps: steps}
	var out *os.File
	if p := os.Getenv("GONAS_ST_OUT"); p != "" {
		if out, err = os.Create(p); err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		fmt.Fprintln(out, "arch,rank_sum,last_loss,valid_acc,seconds,cifar10_val")
	}
	space := cells.NewNB201()
	order := streamRand(1, "order", 0).Perm(d.Train.Len())
	var lastLoss, acc, val []float64
	for _, r := range top {
		a, err := space.Parse(r.arch)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		l, c, err := shortTrain(backend, net, tc, d, a, order, steps)
		if err != nil {
			t.Fatal(err)
		}
		lastLoss, acc, val = append(lastLoss, -l), append(acc, c), append(val, r.val)
		t.Logf("%s: last-quarter loss %.4f, valid accuracy %.4f, cifar10-val %.2f, %.1f s", r.arch, l, c, r.val, time.Since(start).Seconds())
		if out != nil {
			fmt.Fprintf(out, "%s,%g,%g,%g,%.2f,%g\n", r.arch, r.rankSum, l, c, time.Since(start).Seconds(), r.val)
		}
	}
	for _, e := range []struct {
		name  string
		score []float64
	}{{"last-quarter training loss (negated)", lastLoss}, {"valid accuracy", acc}} {
		tau, err1 := nas.KendallTau(e.score, val)
		rho, err2 := nas.SpearmanRho(e.score, val)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		t.Logf("%d cells, %s vs cifar10-val: τ %.3f, ρ %.3f", len(val), e.name, tau, rho)
	}
}

// shortTrain trains a from scratch for steps SGD steps on d.Train's minibatches
// in order and returns the mean loss of the last quarter of the steps and the
// accuracy on d.Score.
func shortTrain(backend compute.Backend, net cells.NB201Network, tc TrainConfig, d *Data, a nas.Arch, order []int, steps int) (float64, float64, error) {
	sn, err := NewSupernet(backend, net, d.NumClasses(), 1, tc)
	if err != nil {
		return 0, 0, err
	}
	defer sn.Close()
	const batchSize = 64
	last, n := 0.0, 0
	for st := range steps {
		idx := make([]int, batchSize)
		for j := range idx {
			idx[j] = order[(st*batchSize+j)%len(order)]
		}
		x, y, err := batch(d.Train, idx, false, nil)
		if err != nil {
			return 0, 0, err
		}
		l, _, err := sn.TrainStep(a, x, y)
		if err != nil {
			return 0, 0, err
		}
		if st >= steps*3/4 {
			last, n = last+l, n+1
		}
	}
	correct := 0
	const scoreBatch = 128
	for s0 := 0; s0+scoreBatch <= d.Score.Len(); s0 += scoreBatch {
		idx := make([]int, scoreBatch)
		for j := range idx {
			idx[j] = s0 + j
		}
		x, y, err := batch(d.Score, idx, false, nil)
		if err != nil {
			return 0, 0, err
		}
		c, _, err := sn.Score(a, x, y)
		if err != nil {
			return 0, 0, err
		}
		correct += c
	}
	return last / float64(n), float64(correct) / float64(d.Score.Len()/scoreBatch*scoreBatch), nil
}

// scoredCell is one row of a zero-cost scores CSV.
type scoredCell struct {
	arch    string
	rankSum float64 // rank of naswot + rank of synflow among the CSV's cells
	val     float64
}

// readScoresCSV reads the cells of a zero-cost scores CSV, highest rank sum
// naswot + synflow first.
func readScoresCSV(path string) ([]scoredCell, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil, fmt.Errorf("%s: want a header and rows: %v", path, err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"arch", "naswot", "synflow", "cifar10_val"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, name)
		}
	}
	rows = rows[1:]
	num := func(r []string, name string) (float64, error) { return strconv.ParseFloat(r[col[name]], 64) }
	cellsOut := make([]scoredCell, len(rows))
	for _, proxy := range []string{"naswot", "synflow"} {
		idx := make([]int, len(rows))
		v := make([]float64, len(rows))
		for i, r := range rows {
			idx[i] = i
			if v[i], err = num(r, proxy); err != nil {
				return nil, fmt.Errorf("%s row %d: %v", path, i+2, err)
			}
		}
		sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
		for rank, i := range idx {
			cellsOut[i].rankSum += float64(rank)
		}
	}
	for i, r := range rows {
		cellsOut[i].arch = r[col["arch"]]
		if cellsOut[i].val, err = num(r, "cifar10_val"); err != nil {
			return nil, fmt.Errorf("%s row %d: %v", path, i+2, err)
		}
	}
	sort.SliceStable(cellsOut, func(a, b int) bool { return cellsOut[a].rankSum > cellsOut[b].rankSum })
	return cellsOut, nil
}

// envIntOr is the integer in environment variable name, or def.
func envIntOr(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
