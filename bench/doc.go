// Package bench holds GoNAS's speed benchmarks (bench_test.go, enas_bench_test.go):
// the same work as bench/pytorch_bench.py, so that bench/run.sh can print both,
// measured in the same run, with their ratios. Results go to BENCHMARKS.md.
//
// The backend is backends.New's choice (the embedded "gonas" backend unless
// GOMLX_BACKEND says otherwise: GOMLX_BACKEND=go measures GoMLX's stock pure-Go backend).
package bench
