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
# OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its
# Prescott (SSE3) kernels, 4-5x slower: give the peer the kernel its CPU supports.
coretype=""
if grep -qw avx512f /proc/cpuinfo; then coretype=SkylakeX; elif grep -qw avx2 /proc/cpuinfo; then coretype=Haswell; fi
echo "pytorch peer: OPENBLAS_CORETYPE=${coretype:-default}"
# The host's speed drifts by ±25% over minutes: the peer runs before and after our
# benchmarks and each side keeps its best, so neither gets only the slow minutes.
OPENBLAS_CORETYPE=$coretype /usr/bin/python3 bench/pytorch_bench.py --threads 2 | tee "$out/torch.txt"
go test -run '^$' -bench . -benchtime 3x -count 3 ./bench/ | tee "$out/go.txt" | grep -E '^Benchmark' || true
OPENBLAS_CORETYPE=$coretype /usr/bin/python3 bench/pytorch_bench.py --threads 2 | tee -a "$out/torch.txt"
/usr/bin/python3 - "$out/go.txt" "$out/torch.txt" <<'PY'
import re, sys
go = {}
for line in open(sys.argv[1]):
    m = re.match(r'Benchmark(\w+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op', line)
    if m:
        go.setdefault(m.group(1), []).append(float(m.group(3)) / 1e6)
torch = {}
for name, ms in re.findall(r'name=(\S+) ms=([\d.]+)', open(sys.argv[2]).read()):
    torch[name] = min(float(ms), torch.get(name, float("inf")))
# PyTorch's best layout is the peer.
pairs = [("Sgemm1024", ["sgemm1024"]), ("Conv3x3Fwd", ["conv3x3_fwd_nhwc", "conv3x3_fwd_nchw"]),
         ("Conv3x3FwdBwd", ["conv3x3_fwdbwd_nhwc", "conv3x3_fwdbwd_nchw"]),
         ("CNN6TrainStep", ["cnn6_train_step_nhwc", "cnn6_train_step_nchw"]),
         ("ENASMicroTrainStep", ["enas_micro_train_step_nhwc", "enas_micro_train_step_nchw"])]
print(f"{'benchmark':<20}{'GoNAS ms':>10}{'PyTorch ms':>12}{'ratio':>8}")
for g, ts in pairs:
    peers = [float(torch[t]) for t in ts if t in torch]
    if g in go and peers:
        ours, peer = min(go[g]), min(peers)
        print(f"{g:<20}{ours:>10.2f}{peer:>12.2f}{ours/peer:>8.2f}")
PY
