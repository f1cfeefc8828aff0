#!/usr/bin/env bash
# Runs GoNAS's benchmarks and their PyTorch peers on this machine, in the same run,
# and prints the ratios (ours ÷ PyTorch, lower is better).
#
#   bash bench/run.sh            # gonas backend vs PyTorch (2 threads)
#   GOMLX_BACKEND=go bash bench/run.sh   # GoMLX's stock pure-Go backend instead
#
# Needs Debian's python3-torch and OpenBLAS (installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in python3-torch libopenblas0-pthread; do
	dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
out=$(mktemp -d)
echo "date=$(date -u +%Y-%m-%dT%H:%MZ) cpu=\"$(lscpu | sed -n 's/^Model name: *//p')\" cores=$(nproc) go=$(go version | cut -d' ' -f3) backend=${GOMLX_BACKEND:-gonas}"
# OpenBLAS 0.3.21 (Debian 12) does not recognise recent CPUs and falls back to its
# Prescott (SSE3) kernels, 4-5x slower: the peer gets the fastest kernel set its CPU
# runs, measured here on sgemm (best of 3 processes each), not guessed from its name.
candidates=("")
if grep -qw avx512f /proc/cpuinfo; then candidates+=(SkylakeX Cooperlake SapphireRapids); fi
if grep -q AuthenticAMD /proc/cpuinfo; then candidates+=(Zen); fi
if grep -qw avx2 /proc/cpuinfo; then candidates+=(Haswell); fi
coretype="" best=""
for ct in "${candidates[@]}"; do
	for _ in 1 2 3; do
		ms=$(OPENBLAS_CORETYPE=$ct /usr/bin/python3 bench/pytorch_bench.py --threads 2 --only sgemm1024 | sed -n 's/.* ms=\([0-9.]*\).*/\1/p')
		echo "openblas coretype=${ct:-default} sgemm1024 ms=$ms"
		if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$ms coretype=$ct; fi
	done
done
echo "pytorch peer: OPENBLAS_CORETYPE=${coretype:-default} (sgemm $best ms)"
# One benchmark per process on both sides, so each peak resident memory is that
# benchmark's own. The host's speed drifts by ±25% over minutes: the peer runs
# before and after our benchmarks and each side keeps its best.
pairs="Sgemm1024:sgemm1024 Conv3x3Fwd:conv3x3_fwd_nhwc,conv3x3_fwd_nchw
Conv3x3FwdBwd:conv3x3_fwdbwd_nhwc,conv3x3_fwdbwd_nchw CNN6TrainStep:cnn6_train_step_nhwc,cnn6_train_step_nchw
ENASMicroTrainStep:enas_micro_train_step_nhwc,enas_micro_train_step_nchw
NB201SupernetStep:nb201_supernet_step_nhwc,nb201_supernet_step_nchw"
peer() {
	for pair in $pairs; do
		for t in $(echo "${pair#*:}" | tr , ' '); do
			OPENBLAS_CORETYPE=$coretype /usr/bin/python3 bench/pytorch_bench.py --threads 2 --only "$t" | grep '^name=' | tee -a "$out/torch.txt"
		done
	done
}
peer
go test -c -o "$out/bench.test" ./bench/
for pair in $pairs; do
	"$out/bench.test" -test.run '^$' -test.bench "^Benchmark${pair%%:*}\$" -test.benchtime 3x -test.count 3 | tee -a "$out/go.txt" | grep -E '^Benchmark' || true
done
peer
/usr/bin/python3 - "$out/go.txt" "$out/torch.txt" <<'PY'
import re, sys
go, go_peak = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'Benchmark(\w+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op', line)
    if m:
        go.setdefault(m.group(1), []).append(float(m.group(3)) / 1e6)
        p = re.search(r'([\d.]+) peak-MB', line)
        if p:
            go_peak[m.group(1)] = max(float(p.group(1)), go_peak.get(m.group(1), 0))
torch, torch_peak = {}, {}
for name, ms, mb in re.findall(r'name=(\S+) ms=([\d.]+) peak_mb=([\d.]+)', open(sys.argv[2]).read()):
    torch[name] = min(float(ms), torch.get(name, float("inf")))
    torch_peak[name] = max(float(mb), torch_peak.get(name, 0))
# PyTorch's best layout is the peer.
pairs = [("Sgemm1024", ["sgemm1024"]), ("Conv3x3Fwd", ["conv3x3_fwd_nhwc", "conv3x3_fwd_nchw"]),
         ("Conv3x3FwdBwd", ["conv3x3_fwdbwd_nhwc", "conv3x3_fwdbwd_nchw"]),
         ("CNN6TrainStep", ["cnn6_train_step_nhwc", "cnn6_train_step_nchw"]),
         ("ENASMicroTrainStep", ["enas_micro_train_step_nhwc", "enas_micro_train_step_nchw"]),
         ("NB201SupernetStep", ["nb201_supernet_step_nhwc", "nb201_supernet_step_nchw"])]
print(f"{'benchmark':<20}{'GoNAS ms':>10}{'PyTorch ms':>12}{'ratio':>8}{'GoNAS peak MB':>15}{'PyTorch peak MB':>17}")
for g, ts in pairs:
    peers = [(torch[t], t) for t in ts if t in torch]
    if g in go and peers:
        ours, (peer, layout) = min(go[g]), min(peers)
        print(f"{g:<20}{ours:>10.2f}{peer:>12.2f}{ours/peer:>8.2f}{go_peak.get(g, 0):>15.0f}{torch_peak.get(layout, 0):>17.0f}")
PY
