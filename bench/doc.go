// Package bench holds GoNAS's speed benchmarks (bench_test.go, enas_bench_test.go,
// nb201_bench_test.go): the same work as bench/pytorch_bench.py, so that
// bench/run.sh can print both, measured in the same run, with their ratios and the
// peak resident memory of each (one benchmark per process on both sides). Results
// go to BENCHMARKS.md.
//
// The backend is backends.New's choice (the embedded "gonas" backend unless
// GOMLX_BACKEND says otherwise: GOMLX_BACKEND=go measures GoMLX's stock pure-Go backend).
package bench
