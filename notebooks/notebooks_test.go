package notebooks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/data"
)

// expectation is what an executed notebook must show.
type expectation struct {
	svg    int      // at least this many SVG drawings or charts
	html   int      // at least this many text/html outputs (tables, titles, SVGs)
	texts  []string // text that must appear in the outputs
	nb201  bool     // needs the NAS-Bench-201 table of the shared data dir
	ptb    bool     // needs Penn Treebank (ptb.zip) in the shared data dir
	cifar  bool     // needs CIFAR-10 (cifar10-jpg.tar.gz) in the shared data dir
	fmnist bool     // needs Fashion-MNIST (Debian's dataset-fashion-mnist, or $GONAS_FASHION_MNIST_DIR)
	learns bool     // shows a controller that learns (controllerLearned)
}

// expectations per notebook; a notebook not listed must run without errors and
// produce some output.
var expectations = map[string]expectation{
	"01_policy_gradients.ipynb": {svg: 10, html: 18, texts: []string{
		"exact gradient ∇J", "sampled reward R_k", "score ∇_θ log p_θ(a_k)", "advantage A_k = R_k − b",
		"ĝ (Policy.Gradient)", " = θ + α ĝ", "J(θ) = 0.8220 → J(θ') =",
		"Policy probabilities over updates", "the loop vs tutorial.Train: largest difference in J over all updates = 0.0e+00",
		"variance, b = J(θ)", "Variance of the REINFORCE gradient estimate", "REINFORCE on the bandit",
		"Learning rate (", "Batch size at a budget of 480 pulls", "Baseline decay (", "no baseline",
		"REINFORCE on 6 decisions", "LSTM: best", "random: best", "the floor of tanh constant 2.5: 0.947",
		"Entropy floor of one decision", "× 6 decisions = 0.9469 nats"}},
	"02_search_spaces.ipynb": {svg: 6, html: 10, nb201: true, texts: []string{
		"NASNet normal cell", "NASNet reduction cell", "ENAS convolutional cell", "ENAS macro network",
		"ENAS recurrent cell", "NAS-Bench-201 cell", "multiply-adds", "NASNet-A 6@768", "Pareto front",
		"scaled to the page", "adds the outputs of layers", "The same drawing at full size"}},
	"03_nasbench201.ipynb": {svg: 4, html: 5, nb201: true, texts: []string{
		"gap to the best validation accuracy", "best validation accuracy so far, queries 20–150", "Test accuracy of the chosen cells", "paper test acc.",
		"REINFORCE", "REA", "exhaustive search by validation accuracy", "test of chosen"}},
	"04_nasnet_search.ipynb": {svg: 7, html: 28, learns: true, texts: []string{
		"NASNet multi-trial presets", "loop: update 6/6 rewards", "the loop vs multitrial.Search: largest difference between the baselines = 0.0e+00", "update=6/6 reward_mean=", "Controller: reward", "uniform: log(number of architectures)",
		"Controller updates", "Rerank: the 2 best distinct cells", "← best", "NASNet normal cell", "NASNet reduction cell",
		"searched (best after the rerank)", "random control, mean ± std (K = 2)", "control_mean=", "3.3 M parameters",
		"gonas nats-server", "gonas worker --nats", "--executor nats://",
		"Kept run (proxy, CIFAR-10): controller entropy", "entropy 84.5 → 71.2 nats over 6 updates", "rerank: validation accuracy after 3 epochs",
		"verdict: searched cell 48.26% test accuracy vs random control 46.59 ± 2.24% (K=3): 1.7 points above the control"}},
	"05_enas_micro.ipynb": {svg: 9, html: 30, learns: true, texts: []string{
		"ENAS micro presets", "epoch=2 ", "Controller: reward", "uniform: log(number of architectures)",
		"Shared weights: validation accuracy", "ENAS convolutional cell", "ENAS reduction cell", "The derive candidates", "← derived",
		"derived by ENAS, retrained from scratch", "random control, mean ± std (K = 2)", "2.89% error", "control_mean=",
		"Kept run (scaled, CIFAR-10): controller entropy per epoch", "entropy 58.059 → 58.049 nats over 10 epochs", "Kept run: the derived reduction cell",
		"verdict: derived cell 67.57% test accuracy vs random control 69.01 ± 1.58% (K=3): 1.4 points below the control"}},
	"06_enas_rnn.ipynb": {svg: 9, html: 28, ptb: true, learns: true, texts: []string{
		"ENAS recurrent cell (12 nodes)", "ENAS RNN presets", "valid_ppl=", "Shared weights: perplexity of the sampled cells",
		"Controller: reward (80 / valid perplexity)", "uniform: log(number of cells)", "ENAS recurrent cell (4 nodes)", "← derived",
		"test perplexity", "random control, mean ± std (K = 2)", "55.8 test perplexity", "control_mean=",
		"Kept run (scaled, PTB): validation perplexity", "entropy 19.6155 → 19.6154 nats over 100 controller updates", "log(4^8 · 7!) = 19.6155 nats",
		"verdict: derived cell 244.35 test perplexity vs random control 237.63 ± 2.29 (K=3): 6.7 above the control (worse)"}},
	"07_weight_sharing.ipynb": {svg: 6, html: 15, nb201: true, cifar: true, texts: []string{
		"Shared weights vs the table: τ of 30 fixed cells after each epoch", "The supernet per epoch", "Score vs table, 30 fixed cells: τ = ",
		"mean of 0–2 of 6 edges a convolution", "verdict: oneshot pick", "Rank agreement with the 12-epoch table on the same 30 fixed cells",
		"shared weights (part 1, last epoch)", "naswot_unit", "rank sum naswot + synflow", "baseline: number of parameters",
		"τ val +0.33, τ test +0.41 (200 cells)", "short, epochs=8: τ val +0.06 to +0.23 (3 runs)",
		"Long runs, short preset", "oneshot: mean of 5 seeds", "Long runs, one setting at a time", "short, epochs=8, seed 3",
		"Where the picks land among the table", "random control 2 (best of 20 random cells)", "NAS-Bench-201 cell",
		"short, epochs=8, oneshot", "2 of 3", "scaled, loss+zero-cost, oneshot", "88.55 ± 0.42", "Every run of notebooks/data/nb201_ws_runs.json"}},
	"08_your_own_model.ipynb": {svg: 3, html: 18, fmnist: true, texts: []string{
		"fashion-net: 9 choices, 3888 architectures", "blocks/2/skip", "= 2 × 2 × 2 × 3 × 3 × 3 × 2 × 3 × 3 = 3888",
		"One architecture drawn at random", "multiply-adds per image (Space.Cost)", "fashion-net (width=",
		"Space.Active (the choices its build meets): width=", "Three searches of 12 architectures (800 training, 200 validation images)",
		"random: best so far", "reinforce: best so far", "evolution: each architecture", "The picks side by side",
		"mean ± sd of 3 seeds", "the pick with the best mean, retrained below", "Weight sharing: each architecture", "with the shared weights (300 SGD steps in all)",
		"The pick of weight sharing", "from scratch, seeds 1, 2, 3", "The pick retrained from scratch (choice.Retrain)", "gonas-model.json",
		"The first 12 Fashion-MNIST test images, classified by the saved model", "true: Ankle boot", "data:image/png;base64,"}},
}

// TestNotebooks executes every notebook of this directory headless on a GoNB kernel
// installed in a temporary Jupyter data dir (so it does not depend on the user's
// set-up), in the quick setting, and checks the executed notebooks: no error
// output, the expected drawings and tables, and the key text.
func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("executing notebooks takes minutes; skipped under -short")
	}
	ctx := context.Background()
	if _, err := CheckJupyter(ctx); err != nil {
		skipOrFail(t, "jupyter is missing, so the notebooks cannot run: %v", err)
	}
	mathjax, err := LocalMathJax("")
	if err != nil {
		skipOrFail(t, "the HTML pages cannot typeset their math: %v", err)
	}
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	var log strings.Builder
	start := time.Now()
	k, err := InstallKernel(ctx, KernelOptions{Root: root, BinDir: filepath.Join(tmp, "bin"), DataDir: filepath.Join(tmp, "jupyter"), Log: &log})
	if err != nil {
		if strings.Contains(err.Error(), "go install tool") {
			skipOrFail(t, "gonb could not be built (`go install tool`; run `go mod download` with network once): %v", err)
		}
		t.Fatalf("installing the GoNB kernel: %v\n%s", err, log.String())
	}
	t.Logf("kernel installed in %.1f s: %s", time.Since(start).Seconds(), k.Spec)
	env := slices.DeleteFunc(k.Env(), func(kv string) bool { return strings.HasPrefix(kv, "GONAS_NOTEBOOK_FULL=") })

	paths, err := List(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < len(expectations) {
		t.Errorf("found %d notebooks, expected at least %v", len(paths), len(expectations))
	}
	_, tableErr := nb201Table()
	_, ptbErr := sharedFile("ptb.zip")
	_, cifarErr := sharedFile("cifar10-jpg.tar.gz")
	_, fmnistErr := data.FashionMNISTDir()
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".ipynb"), func(t *testing.T) {
			want := expectations[name]
			if want.nb201 && tableErr != nil {
				skipOrFail(t, "needs the NAS-Bench-201 table: %v", tableErr)
			}
			if want.ptb && ptbErr != nil {
				skipOrFail(t, "needs Penn Treebank: %v", ptbErr)
			}
			if want.cifar && cifarErr != nil {
				skipOrFail(t, "needs CIFAR-10: %v", cifarErr)
			}
			if want.fmnist && fmnistErr != nil {
				skipOrFail(t, "needs Fashion-MNIST: %v", fmnistErr)
			}
			start := time.Now()
			executed, err := Execute(ctx, path, RunOptions{OutDir: filepath.Join(tmp, "out"), CellTimeout: 5 * time.Minute, Env: env})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s executed in %.1f s", name, time.Since(start).Seconds())
			nb, err := Read(executed)
			if err != nil {
				t.Fatal(err)
			}
			checkNotebook(t, nb, want)
			page, err := ToHTML(ctx, executed, filepath.Join(tmp, "html"), env, mathjax)
			if err != nil {
				t.Fatal(err)
			}
			checkPage(t, page, mathjax)
		})
	}
}

// inCI reports whether the test runs in CI (CI=true, as .ci/run is run).
func inCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// skipOrFail skips the test when something the notebooks need is missing, with the
// reason; in CI it fails instead, so that CI cannot pass with notebooks that do not run.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true, and the notebooks cannot run: "+format, args...)
	}
	t.Skipf(format+" (skipped outside CI; with CI=true this fails)", args...)
}

// checkPage checks an HTML page of an executed notebook: it loads MathJax from
// mathjax (a local file, no network) and nothing from nbconvert's default CDN.
func checkPage(t *testing.T, page, mathjax string) {
	t.Helper()
	blob, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(blob)
	if !strings.Contains(html, `src="`+mathjax+`"`) {
		t.Errorf("%s does not load MathJax from %s", page, mathjax)
	}
	if strings.Contains(html, "cdnjs.cloudflare.com") || strings.Contains(html, "cdn.jsdelivr.net") {
		t.Errorf("%s loads a script from a CDN", page)
	}
}

// checkNotebook compares an executed notebook with its expectation.
func checkNotebook(t *testing.T, nb *Notebook, want expectation) {
	t.Helper()
	if nb.Metadata.KernelSpec.Name != KernelName {
		t.Errorf("kernelspec %q, want %q", nb.Metadata.KernelSpec.Name, KernelName)
	}
	for _, e := range nb.Errors() {
		t.Error(e)
	}
	if n := nb.Unexecuted(); n > 0 {
		t.Errorf("%d code cells were not executed", n)
	}
	if got := nb.CountSVG(); got < want.svg || got == 0 {
		t.Errorf("%d SVG outputs, want at least %d", got, max(want.svg, 1))
	}
	if got := nb.CountMIME("text/html"); got < want.html {
		t.Errorf("%d text/html outputs, want at least %d", got, want.html)
	}
	text := nb.Text()
	for _, s := range want.texts {
		if !strings.Contains(text, s) {
			t.Errorf("the outputs lack %q", s)
		}
	}
	if want.learns {
		if err := controllerLearned(text); err != nil {
			t.Error(err)
		}
	}
}

// nb201Table reports whether the NAS-Bench-201 table is where the notebooks look.
func nb201Table() (string, error) {
	path, err := cells.DefaultNB201TablePath()
	if err != nil {
		return "", err
	}
	_, err = os.Stat(path)
	return path, err
}

// sharedFile reports whether a file of the shared data dir is where the notebooks look.
func sharedFile(name string) (string, error) {
	dir, err := data.SharedDataDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	_, err = os.Stat(path)
	return path, err
}

// TestReadAndCheck checks the notebook reader on a hand-made executed notebook.
func TestReadAndCheck(t *testing.T) {
	const doc = `{"cells": [
	 {"cell_type": "markdown", "source": ["# t"]},
	 {"cell_type": "code", "execution_count": 1, "source": "%%\nfmt.Println(1)", "outputs": [
	   {"output_type": "stream", "name": "stdout", "text": ["one ", "line\n"]},
	   {"output_type": "display_data", "data": {"text/html": ["<div><svg width=\"1\"></svg></div>"]}}]},
	 {"cell_type": "code", "execution_count": 2, "source": ["%%\n", "panic(2)"], "outputs": [
	   {"output_type": "stream", "name": "stderr", "text": "panic: 2\n\ngoroutine 1"},
	   {"output_type": "error", "ename": "ERROR", "evalue": "exit status 2", "traceback": []}]},
	 {"cell_type": "code", "source": "var x = 1", "outputs": []}],
	 "metadata": {"kernelspec": {"name": "gonb"}}, "nbformat": 4, "nbformat_minor": 5}`
	path := filepath.Join(t.TempDir(), "t.ipynb")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	errs := nb.Errors()
	if len(errs) != 2 || !strings.Contains(errs[0], "code cell 2 (panic(2))") || !strings.Contains(errs[1], "exit status 2") {
		t.Errorf("Errors() = %q", errs)
	}
	if nb.CountSVG() != 1 || nb.CountMIME("text/html") != 1 || nb.Unexecuted() != 1 {
		t.Errorf("svg %d html %d unexecuted %d", nb.CountSVG(), nb.CountMIME("text/html"), nb.Unexecuted())
	}
	if !strings.Contains(nb.Text(), "one line") {
		t.Errorf("Text() = %q", nb.Text())
	}
	if _, err := RepoRoot("."); err != nil {
		t.Error(err)
	}
	if p := prependPath("/a:/b", "/b", "/c", ""); p != "/c:/a:/b" {
		t.Errorf("prependPath = %q", p)
	}
}

// TestLocalMathJax: the MathJax URL is a file:// URL of the directory's MathJax.js,
// and a directory without it is an error that says what to install.
func TestLocalMathJax(t *testing.T) {
	dir := t.TempDir()
	if _, err := LocalMathJax(dir); !errors.Is(err, ErrNoMathJax) || !strings.Contains(err.Error(), "libjs-mathjax") {
		t.Errorf("LocalMathJax(empty dir) = %v, want ErrNoMathJax naming libjs-mathjax", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "MathJax.js"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	u, err := LocalMathJax(dir)
	if want := "file://" + filepath.ToSlash(dir) + "/MathJax.js?config=" + MathJaxConfig; err != nil || u != want {
		t.Errorf("LocalMathJax = %q, %v; want %q", u, err, want)
	}
}
