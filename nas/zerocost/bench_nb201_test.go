package zerocost

// Measurements on NAS-Bench-201 / CIFAR-10 (BENCHMARKS.md, "Zero-cost evaluators on
// NAS-Bench-201"). Slow: skipped under -short. Settings choose on the table's
// cifar10-val column; the cifar10-test column only judges.
//
//	go test ./nas/zerocost -run TestNB201ProxyCorrelation -v   # τ/ρ of each proxy, s/cell
//	go test ./nas/zerocost -run TestNB201ZeroCostSearch -v     # 5 seeded searches of 100 cells
//
// Environment: GONAS_ZC_CELLS (cells scored for the correlation, 200),
// GONAS_ZC_BATCH (minibatch size, 64), GONAS_ZC_PROXIES (the search's proxies,
// comma-separated, "naswot,synflow"), GONAS_ZC_SEEDS (searches, 5),
// GONAS_ZC_CORR_PROXIES (the proxies the correlation scores, all when unset).

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
)

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// nb201Bench loads what both measurements need: CIFAR-10's training images
// (normalised), the table and the benchmark's network.
func nb201Bench(t *testing.T) (*cells.NB201, *data.Dataset, *cells.NB201Table) {
	if os.Getenv("GONAS_ZC_BENCH") == "" {
		t.Skip("a measurement (minutes) for BENCHMARKS.md: set GONAS_ZC_BENCH=1 to run it")
	}
	path, err := cells.DefaultNB201TablePath()
	if err != nil {
		t.Skip(err)
	}
	table, err := cells.LoadNB201Table(path)
	if err != nil {
		t.Skip(err)
	}
	start := time.Now()
	train, _, err := data.LoadNormalized("cifar10", "")
	if err != nil {
		t.Skip(err)
	}
	t.Logf("CIFAR-10 loaded in %.1f s", time.Since(start).Seconds())
	return cells.NewNB201(), train, table
}

func TestNB201ProxyCorrelation(t *testing.T) {
	space, train, table := nb201Bench(t)
	backend := testBackend(t)
	nCells, batchSize := envInt(t, "GONAS_ZC_CELLS", 200), envInt(t, "GONAS_ZC_BATCH", 64)
	batch, err := SampleBatch(train, batchSize, 1)
	if err != nil {
		t.Fatal(err)
	}
	scorer, err := NewScorer(backend, batch, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	archs, err := sampleDistinct(space, nCells, 2026)
	if err != nil {
		t.Fatal(err)
	}
	measured := Proxies
	if list := os.Getenv("GONAS_ZC_CORR_PROXIES"); list != "" {
		if measured, err = ParseProxies(list); err != nil {
			t.Fatal(err)
		}
	}
	var val, test, params, flops []float64
	scores := map[Proxy][]float64{}
	seconds, cpuSeconds := map[Proxy]float64{}, map[Proxy]float64{}
	for i, a := range archs {
		res, err := table.Lookup(a, "cifar10")
		if err != nil {
			t.Fatal(err)
		}
		m, err := space.ImageModel(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range measured {
			start, cpuStart := time.Now(), cpuTime()
			s, err := scorer.Score(m, p)
			if err != nil {
				t.Fatalf("%s: %v", a, err)
			}
			seconds[p] += time.Since(start).Seconds()
			cpuSeconds[p] += cpuTime() - cpuStart
			scores[p] = append(scores[p], s[p])
		}
		val, test = append(val, res.Val), append(test, res.Test)
		np, nf, err := space.Cost(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		params, flops = append(params, float64(np)), append(flops, float64(nf))
		if (i+1)%50 == 0 {
			t.Logf("%d/%d cells scored", i+1, len(archs))
		}
	}
	if path := os.Getenv("GONAS_ZC_CSV"); path != "" {
		writeScoresCSV(t, path, space, archs, measured, scores, val, test, params)
	}
	t.Logf("%d NB201 cells (seed 2026), CIFAR-10 minibatch of %d, weights seed 1, backend %s", len(archs), batchSize, backends.Name())
	t.Logf("%-36s %8s %8s %8s %8s %8s", "proxy", "τ val", "ρ val", "τ test", "ρ test", "s/cell")
	defer func() {
		for _, p := range measured {
			t.Logf("%s: %.3f s/cell wall, %.3f s/cell of CPU (both cores), load average %s", p,
				seconds[p]/float64(len(archs)), cpuSeconds[p]/float64(len(archs)), loadAverage())
		}
	}()
	report := func(name string, s []float64, secs string) {
		t.Logf("%-36s %8.3f %8.3f %8.3f %8.3f %8s", name, kendallTau(s, val), spearmanRho(s, val),
			kendallTau(s, test), spearmanRho(s, test), secs)
	}
	for _, p := range measured {
		report(string(p), scores[p], fmt.Sprintf("%.3f", seconds[p]/float64(len(archs))))
	}
	report("baseline: parameters", params, "0")
	report("baseline: multiply-adds", flops, "0")
	for _, combo := range [][]Proxy{{NASWOT, Synflow}, {NASWOT, GradNorm}, {Synflow, GradNorm}, {NASWOT, Synflow, GradNorm},
		{NASWOT, ZiCo}, {Synflow, ZiCo}, {NASWOT, Synflow, ZiCo}} {
		sum := make([]float64, len(archs))
		var secs float64
		for _, p := range combo {
			if scores[p] == nil {
				sum = nil
				break
			}
			for i, r := range ranks(scores[p]) {
				sum[i] += r
			}
			secs += seconds[p]
		}
		if sum == nil {
			continue
		}
		report("rank sum "+joinProxies(combo), sum, fmt.Sprintf("≤%.3f", secs/float64(len(archs))))
	}
}

func TestNB201ZeroCostSearch(t *testing.T) {
	space, train, table := nb201Bench(t)
	backend := testBackend(t)
	batchSize, nSeeds := envInt(t, "GONAS_ZC_BATCH", 64), envInt(t, "GONAS_ZC_SEEDS", 5)
	firstSeed := uint64(envInt(t, "GONAS_ZC_FIRST_SEED", 1)) // choose on other seeds than the ones judged
	proxyList := os.Getenv("GONAS_ZC_PROXIES")
	if proxyList == "" {
		proxyList = "naswot,synflow"
	}
	proxies, err := ParseProxies(proxyList)
	if err != nil {
		t.Fatal(err)
	}
	// Every cell's accuracies, to place a pick among the 15,625.
	var allVal, allTest []float64
	for idx := range table.Len() {
		a, err := nb201Arch(space, idx)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := table.Lookup(a, "cifar10"); err == nil {
			allVal, allTest = append(allVal, r.Val), append(allTest, r.Test)
		}
	}
	sort.Float64s(allVal)
	sort.Float64s(allTest)
	topPercent := func(sorted []float64, v float64) float64 {
		above := len(sorted) - sort.Search(len(sorted), func(i int) bool { return sorted[i] > v })
		return 100 * float64(above+1) / float64(len(sorted))
	}
	t.Logf("proxies %s, minibatch %d, 100 cells per search, backend %s", proxyList, batchSize, backends.Name())
	var inTop10 int
	var tests, valTops []float64
	for seed := firstSeed; seed < firstSeed+uint64(nSeeds); seed++ {
		start := time.Now()
		batch, err := SampleBatch(train, batchSize, seed)
		if err != nil {
			t.Fatal(err)
		}
		scorer, err := NewScorer(backend, batch, 10, seed)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Search(space, scorer, SearchConfig{Proxies: proxies, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		wall := time.Since(start)
		best := res.Best()
		r, err := table.Lookup(best.Arch, "cifar10")
		if err != nil {
			t.Fatal(err)
		}
		text, _ := space.Format(best.Arch)
		pTest := topPercent(allTest, r.Test)
		if pTest <= 10 {
			inTop10++
		}
		tests = append(tests, r.Test)
		valTops = append(valTops, topPercent(allVal, r.Val))
		t.Logf("seed %d: %s val %.2f (top %.1f%%) test %.2f (top %.1f%%) in %.1f s", seed, text,
			r.Val, topPercent(allVal, r.Val), r.Test, pTest, wall.Seconds())
	}
	mean, std := meanStd(tests)
	valTop, _ := meanStd(valTops)
	t.Logf("picks: cifar10-val placement top %.1f%% on average (the choice); test %.2f ± %.2f; in the top 10%% of cifar10-test for %d of %d seeds",
		valTop, mean, std, inTop10, nSeeds)
}

// loadAverage is the first field of /proc/loadavg ("?" where there is none).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// nb201Arch is the architecture at table index idx (NB201Index's inverse).
func nb201Arch(space *cells.NB201, idx int) (nas.Arch, error) {
	n := len(space.Decisions())
	a := nas.Arch{Space: space.Name(), Choices: make([]int, n)}
	for k := n - 1; k >= 0; k-- {
		a.Choices[k] = idx % len(cells.NB201Ops)
		idx /= len(cells.NB201Ops)
	}
	return a, space.Validate(a)
}

func meanStd(v []float64) (float64, float64) {
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	var s float64
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	if len(v) > 1 {
		s /= float64(len(v) - 1)
	}
	return m, math.Sqrt(s)
}

// writeScoresCSV writes one row per cell: its NB201 string, each proxy's score, its
// parameters and its table accuracies, for choosing how to combine proxies offline
// (on the cifar10-val column).
func writeScoresCSV(t *testing.T, path string, space *cells.NB201, archs []nas.Arch, proxies []Proxy,
	scores map[Proxy][]float64, val, test, params []float64) {
	var b strings.Builder
	b.WriteString("arch")
	for _, p := range proxies {
		b.WriteString("," + string(p))
	}
	b.WriteString(",params,cifar10_val,cifar10_test\n")
	for i, a := range archs {
		text, err := space.Format(a)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(text)
		for _, p := range proxies {
			fmt.Fprintf(&b, ",%.9g", scores[p][i])
		}
		fmt.Fprintf(&b, ",%g,%g,%g\n", params[i], val[i], test[i])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
