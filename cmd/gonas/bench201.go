package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/plot"
	"github.com/pkg/errors"
)

// bench201Report is what `gonas bench201 --json` prints.
type bench201Report struct {
	Command   string                 `json:"command"`
	Dataset   string                 `json:"dataset"`
	Queries   int                    `json:"queries"`
	Runs      int                    `json:"runs"`
	Seed      uint64                 `json:"seed"`
	Cache     string                 `json:"cache"`
	Optimum   bench201Optimum        `json:"optimum"`
	Summaries []nas.Summary          `json:"summaries"`
	RunList   []bench201Run          `json:"runs_detail"`
	Settings  map[string]interface{} `json:"settings"`
	Seconds   float64                `json:"seconds"`
}

// bench201Optimum is what exhaustive search (best validation) and the oracle (best
// test) reach on the table.
type bench201Optimum struct {
	BestValArch  string  `json:"best_val_arch"`
	BestValTest  float64 `json:"best_val_test"`
	BestTestArch string  `json:"best_test_arch"`
	BestTest     float64 `json:"best_test"`
}

// bench201Run is one run, with its chosen architecture as an NB201 string.
type bench201Run struct {
	nas.RunResult
	ChosenNB201 string `json:"chosen_nb201"`
}

func runBench201(args []string) error {
	fs := flag.NewFlagSet("bench201", flag.ContinueOnError)
	strategy := fs.String("strategy", "all", "random, reinforce, evolution, or all")
	dataset := fs.String("dataset", "cifar10", "cifar10, cifar100 or imagenet16: reward <dataset>-val, result <dataset>-test")
	queries := fs.Int("queries", 150, "query budget per run (distinct architectures, unless -count-duplicates)")
	runs := fs.Int("runs", 100, "independent runs per strategy (run r uses seed+r)")
	seed := fs.Uint64("seed", 1, "seed of the first run")
	tablePath := fs.String("table", "", "NB201 CSV table (default: nb201/nb201_12epoch.csv in the shared data dir)")
	asJSON := fs.Bool("json", false, "print the full report (summaries and every run) as JSON")
	csvPath := fs.String("csv", "", "write one row per run to this CSV file")
	plotPath := fs.String("plot", "", "write the mean best-so-far curves as an SVG line chart")
	countDup := fs.Bool("count-duplicates", false, "count repeated architectures as queries (default: cached, free)")
	workers := fs.Int("workers", 0, "runs in parallel (default GOMAXPROCS)")
	preset := fs.String("preset", "nb201", "REINFORCE controller: nb201 (tuned, see BENCHMARKS.md, \"Why the ENAS controller ties random search here\"), enas-micro, enas-macro, nasnet, nas2017")
	lr := fs.Float64("lr", 0, "REINFORCE learning rate (0: the preset's)")
	var set settingsFlag
	fs.Var(&set, "set", "override REINFORCE controller settings by their JSON names, e.g. temperature=0,tanh_constant=2.5,op_bias=[] (may be repeated)")
	batch := fs.Int("batch", 10, "REINFORCE architectures per update (m)")
	population := fs.Int("population", 50, "evolution population P")
	tournament := fs.Int("tournament", 25, "evolution tournament size S")
	if err := fs.Parse(args); err != nil {
		return err
	}

	if !slices.Contains(cells.NB201Datasets, *dataset) {
		return errors.Errorf("unknown dataset %q (have %v)", *dataset, cells.NB201Datasets)
	}
	names := controllers.StrategyNames
	if *strategy != "all" {
		names = strings.Split(*strategy, ",")
	}
	if *tablePath == "" {
		p, err := cells.DefaultNB201TablePath()
		if err != nil {
			return err
		}
		*tablePath = p
	}
	table, err := cells.LoadNB201Table(*tablePath)
	if err != nil {
		return err
	}
	eval, err := table.Evaluator(*dataset)
	if err != nil {
		return err
	}
	test, err := table.TestScore(*dataset)
	if err != nil {
		return err
	}
	cfg, err := bench201Controller(*preset)
	if err != nil {
		return err
	}
	if *lr > 0 {
		cfg.LearningRate = *lr
	}
	if cfg, err = overrideLSTMConfig(cfg, set.String()); err != nil {
		return err
	}
	space := cells.NewNB201()
	opt := controllers.StrategyOptions{Queries: *queries, CountDuplicates: *countDup, LSTM: cfg, BatchSize: *batch,
		Population: *population, SampleSize: *tournament}
	strategies, err := controllers.Strategies(space, names, opt)
	if err != nil {
		return err
	}
	start := time.Now()
	sums, results, err := nas.Compare(strategies, eval, nas.CompareConfig{Runs: *runs, Seed: *seed, Workers: *workers, Test: test})
	if err != nil {
		return err
	}
	report := bench201Report{
		Command: "go run ./cmd/gonas bench201 " + strings.Join(args, " "), Dataset: *dataset, Queries: *queries,
		Runs: *runs, Seed: *seed, Summaries: sums, Seconds: time.Since(start).Seconds(),
		Cache:    map[bool]string{false: "repeats answered from a cache, free", true: "repeats counted as queries"}[*countDup],
		Settings: map[string]interface{}{"reinforce": cfg, "batch": *batch, "population": *population, "tournament": *tournament},
	}
	byVal, byTest, valRes, testRes, err := table.Best(*dataset)
	if err != nil {
		return err
	}
	report.Optimum.BestValArch, _ = space.Format(byVal)
	report.Optimum.BestTestArch, _ = space.Format(byTest)
	report.Optimum.BestValTest, report.Optimum.BestTest = valRes.Test/100, testRes.Test/100
	for _, r := range results {
		s, err := space.Format(r.Chosen)
		if err != nil {
			return err
		}
		report.RunList = append(report.RunList, bench201Run{RunResult: r, ChosenNB201: s})
	}
	if *csvPath != "" {
		if err := writeBench201CSV(*csvPath, report.RunList); err != nil {
			return err
		}
	}
	if *plotPath != "" {
		if err := writeBench201Plot(*plotPath, &report); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", " ")
		return enc.Encode(report)
	}
	printBench201Table(os.Stdout, &report)
	return nil
}

// bench201Controller is the REINFORCE controller of the benchmark: a published preset
// or "nb201", the settings tuned for this table (see BENCHMARKS.md, "Why the ENAS controller ties random search here").
func bench201Controller(preset string) (controllers.LSTMConfig, error) {
	if preset == "nb201" {
		return controllers.NB201Tuned(), nil
	}
	mk, ok := controllers.LSTMPresets[preset]
	if !ok {
		return controllers.LSTMConfig{}, errors.Errorf("unknown preset %q", preset)
	}
	return mk(), nil
}

// overrideLSTMConfig sets fields of cfg named by their JSON names in a list
// "name=value,..." (values in JSON: numbers, true/false, [] or [10,10]).
func overrideLSTMConfig(cfg controllers.LSTMConfig, list string) (controllers.LSTMConfig, error) {
	if list == "" {
		return cfg, nil
	}
	blob, err := json.Marshal(cfg)
	if err != nil {
		return cfg, err
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(blob, &fields); err != nil {
		return cfg, err
	}
	// Split on commas outside brackets, so op_bias=[10,10] stays one item.
	var items []string
	depth, start := 0, 0
	for i, r := range list + "," {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case r == ',' && depth == 0:
			items = append(items, list[start:i])
			start = i + 1
		}
	}
	for _, item := range items {
		name, value, ok := strings.Cut(item, "=")
		if _, known := fields[name]; !ok || !known {
			return cfg, errors.Errorf("-set %q: want name=value with name one of the controller's settings", item)
		}
		if !json.Valid([]byte(value)) {
			return cfg, errors.Errorf("-set %q: %q is not a JSON value", item, value)
		}
		fields[name] = json.RawMessage(value)
	}
	if blob, err = json.Marshal(fields); err != nil {
		return cfg, err
	}
	out := controllers.LSTMConfig{}
	if err := json.Unmarshal(blob, &out); err != nil {
		return cfg, errors.Wrapf(err, "-set %q", list)
	}
	return out, nil
}

// printBench201Table prints the summary as a Markdown table, accuracies in percent.
func printBench201Table(w io.Writer, r *bench201Report) {
	fmt.Fprintf(w, "NAS-Bench-201 %s, %d queries per run (%s), %d runs, seeds %d..%d, %.1f s\n\n",
		r.Dataset, r.Queries, r.Cache, r.Runs, r.Seed, r.Seed+uint64(r.Runs)-1, r.Seconds)
	fmt.Fprintln(w, "| strategy | test acc. of chosen (%) mean ± std | std. error | paired Δ test vs random ± s.e. | val acc. of chosen (%) | samples/run | policy entropy at end (nats) | s/run |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	randomTest := map[int]float64{} // run → test score of random search, for paired differences
	for _, run := range r.RunList {
		if run.Strategy == "random" {
			randomTest[run.Run] = run.Test
		}
	}
	for _, s := range r.Summaries {
		var samples, entropy float64
		var diffs []float64
		for _, run := range r.RunList {
			if run.Strategy == s.Strategy {
				samples += float64(run.Samples) / float64(s.Runs)
				entropy += run.Entropy / float64(s.Runs)
				if rt, ok := randomTest[run.Run]; ok && s.Strategy != "random" {
					diffs = append(diffs, 100*(run.Test-rt))
				}
			}
		}
		ent := "–" // gradient-free: no policy
		if entropy > 0 {
			ent = fmt.Sprintf("%.2f", entropy)
		}
		delta := "–"
		if len(diffs) > 1 {
			mean, std := meanAndStd(diffs)
			delta = fmt.Sprintf("%+.2f ± %.2f", mean, std/math.Sqrt(float64(len(diffs))))
		}
		fmt.Fprintf(w, "| %s | %.2f ± %.2f | %.2f | %s | %.2f ± %.2f | %.0f | %s | %.3f |\n", s.Strategy,
			100*s.TestMean, 100*s.TestStd, 100*s.TestSE, delta, 100*s.RewardMean, 100*s.RewardStd, samples, ent, s.Seconds/float64(s.Runs))
	}
	fmt.Fprintf(w, "\nexhaustive search (best validation): test %.2f%% %s\noracle (best test): %.2f%% %s\n",
		100*r.Optimum.BestValTest, r.Optimum.BestValArch, 100*r.Optimum.BestTest, r.Optimum.BestTestArch)
}

// meanAndStd is the mean and sample standard deviation of xs (at least two values).
func meanAndStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x / float64(len(xs))
	}
	for _, x := range xs {
		std += (x - mean) * (x - mean) / float64(len(xs)-1)
	}
	return mean, math.Sqrt(std)
}

// writeBench201CSV writes one row per run.
func writeBench201CSV(path string, runs []bench201Run) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"strategy", "run", "seed", "chosen", "val", "test", "samples", "distinct", "seconds"})
	for _, r := range runs {
		w.Write([]string{r.Strategy, strconv.Itoa(r.Run), strconv.FormatUint(r.Seed, 10), r.ChosenNB201,
			strconv.FormatFloat(r.Reward, 'f', 6, 64), strconv.FormatFloat(r.Test, 'f', 6, 64),
			strconv.Itoa(r.Samples), strconv.Itoa(r.Distinct), strconv.FormatFloat(r.Seconds, 'f', 4, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeBench201Plot draws each strategy's mean best-so-far validation accuracy (%)
// against the number of queries, shaded ± one standard error.
func writeBench201Plot(path string, r *bench201Report) error {
	var series []plot.CurveSeries
	for _, s := range r.Summaries {
		cs := plot.CurveSeries{Name: s.Strategy}
		for i, m := range s.CurveMean {
			cs.Y = append(cs.Y, 100*m)
			cs.Band = append(cs.Band, 100*s.CurveStd[i]/math.Sqrt(float64(s.Runs)))
		}
		series = append(series, cs)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	chart := plot.CurveChart{
		Title:  fmt.Sprintf("NAS-Bench-201 %s: best validation accuracy so far (%d runs, mean ± s.e.)", r.Dataset, r.Runs),
		XLabel: "queries (distinct architectures evaluated)", YLabel: "validation accuracy (%)",
	}
	if err := chart.WriteSVG(f, series); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
