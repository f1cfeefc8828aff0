#!/usr/bin/env python3
"""PyTorch CPU peer of GoNAS's Go benchmarks (bench/bench_test.go), same shapes.

Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch_bench.py [--threads 2] [--json] [--only NAME]
Prints one line per benchmark: name=<name> ms=<milliseconds per op> (best of several repeats
of the mean over an inner loop) peak_mb=<the process's peak resident memory so far>, so
bench/run.sh can put it beside the Go numbers; run one benchmark per process (--only) for the
peak to be that benchmark's.
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn


def timeit(fn, min_time=1.0, repeats=3):
    fn()  # warm up
    fn()
    best = float("inf")
    for _ in range(repeats):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time / repeats:
                break
        best = min(best, elapsed / n)
    return best * 1e3


def bench_sgemm():
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    c = torch.empty(1024, 1024)
    return timeit(lambda: torch.mm(a, b, out=c))


def conv_inputs(channels_last):
    x = torch.randn(64, 32, 32, 32)
    conv = nn.Conv2d(32, 32, 3, padding=1, bias=False)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
        conv = conv.to(memory_format=torch.channels_last)
    return x, conv


def bench_conv_fwd(channels_last):
    x, conv = conv_inputs(channels_last)
    with torch.no_grad():
        return timeit(lambda: conv(x))


def bench_conv_fwd_bwd(channels_last):
    x, conv = conv_inputs(channels_last)
    x.requires_grad_(True)

    def step():
        y = conv(x)
        y.backward(torch.ones_like(y))
    return timeit(step)


class CNN6(nn.Module):
    """6 x [conv3x3(32)-BN-ReLU] + global average pool + dense(10): the benchmark network."""

    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for _ in range(6):
            layers += [nn.Conv2d(c, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU()]
            c = 32
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(self.body(x).mean(dim=(2, 3)))


def bench_cnn6_step(channels_last):
    torch.manual_seed(0)
    net = CNN6()
    x = torch.randn(64, 3, 32, 32)
    y = torch.randint(0, 10, (64,))
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    return timeit(step, min_time=3.0)


def bench_enas_micro_step(channels_last):
    """ENAS micro search child (C=20, N=2: 8 cells, the paper's cell), batch 64: one SGD step.
    The network is the PyTorch twin of cells.ENASMicro in cells/testdata/cells_torch.py."""
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cells", "testdata"))
    import cells_torch
    torch.manual_seed(0)
    cfg = dict(blocks=5, filters=20, cells_per_stage=2, image_size=32, stem_multiplier=3, output_conv=True)
    net = cells_torch.Network("enas-micro", cells_torch.ENAS_PAPER, cfg, 10)
    x = torch.randn(64, 3, 32, 32)
    y = torch.randint(0, 10, (64,))
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    return timeit(step, min_time=4.0)


# The paths bench_nb201_supernet_step cycles through: nb201BenchArchs of bench/nb201_bench_test.go.
NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
NB201_ARCHS = [[3, 3, 3, 3, 3, 3], [2, 4, 1, 3, 2, 4], [3, 0, 3, 1, 0, 0], [1, 3, 2, 4, 3, 1],
               [3, 1, 2, 3, 4, 2], [2, 2, 3, 1, 3, 3], [4, 3, 1, 2, 3, 3], [3, 2, 0, 3, 1, 2]]


def bench_nb201_supernet_step(channels_last):
    """The NAS-Bench-201 supernet of nas/nb201search (C=16, N=2, every edge holding all its ops;
    batch norms without affine parameters in the cells, affine in the stem and residual blocks,
    all with minibatch statistics), batch 64: one single-path SGD step (Nesterov momentum 0.9,
    weight decay 5e-4, gradient clipping at 5), the path changing every step among 8."""
    def bn(c, affine):
        return nn.BatchNorm2d(c, affine=affine, track_running_stats=False)

    class Edge(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.ops = nn.ModuleDict({
                "nor_conv_1x1": nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, 1, bias=False), bn(c, False)),
                "nor_conv_3x3": nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, 3, padding=1, bias=False), bn(c, False)),
                "avg_pool_3x3": nn.AvgPool2d(3, 1, 1, count_include_pad=False)})

        def forward(self, x, op):
            return x if op == "skip_connect" else self.ops[op](x)

    class Cell(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.edges = nn.ModuleList([Edge(c) for _ in range(6)])

        def forward(self, x, ops):
            nodes, k = [x], 0
            for to in range(1, 4):
                total = None
                for frm in range(to):
                    op = NB201_OPS[ops[k]]
                    if op != "none":
                        y = self.edges[k](nodes[frm], op)
                        total = y if total is None else total + y
                    k += 1
                nodes.append(torch.zeros_like(x) if total is None else total)
            return nodes[-1]

    class ResBlock(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.a = nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, 3, 2, 1, bias=False), bn(cout, True))
            self.b = nn.Sequential(nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1, bias=False), bn(cout, True))
            self.short = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

        def forward(self, x):
            return self.b(self.a(x)) + self.short(x)

    class Supernet(nn.Module):
        def __init__(self, C=16, N=2, classes=10):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, C, 3, padding=1, bias=False), bn(C, True))
            self.stages, c = nn.ModuleList(), C
            for stage in range(3):
                mods = []
                if stage > 0:
                    mods.append(ResBlock(c, 2 * c))
                    c *= 2
                mods += [Cell(c) for _ in range(N)]
                self.stages.append(nn.ModuleList(mods))
            self.last = nn.Sequential(bn(c, True), nn.ReLU())
            self.classifier = nn.Linear(c, classes)

        def forward(self, x, ops):
            x = self.stem(x)
            for mods in self.stages:
                for m in mods:
                    x = m(x, ops) if isinstance(m, Cell) else m(x)
            return self.classifier(self.last(x).mean((2, 3)))

    torch.manual_seed(0)
    net = Supernet()
    x = torch.randn(64, 3, 32, 32)
    y = torch.randint(0, 10, (64,))
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    step_no = [0]

    def step():
        ops = NB201_ARCHS[step_no[0] % len(NB201_ARCHS)]
        step_no[0] += 1
        opt.zero_grad(set_to_none=True)  # only the path's weights get gradients, and move
        loss_fn(net(x, ops), y).backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5)
        opt.step()
    return timeit(step, min_time=4.0)


BENCHMARKS = {
    "sgemm1024": bench_sgemm,
    "conv3x3_fwd_nhwc": lambda: bench_conv_fwd(True),
    "conv3x3_fwd_nchw": lambda: bench_conv_fwd(False),
    "conv3x3_fwdbwd_nhwc": lambda: bench_conv_fwd_bwd(True),
    "conv3x3_fwdbwd_nchw": lambda: bench_conv_fwd_bwd(False),
    "cnn6_train_step_nhwc": lambda: bench_cnn6_step(True),
    "cnn6_train_step_nchw": lambda: bench_cnn6_step(False),
    "enas_micro_train_step_nhwc": lambda: bench_enas_micro_step(True),
    "enas_micro_train_step_nchw": lambda: bench_enas_micro_step(False),
    "nb201_supernet_step_nhwc": lambda: bench_nb201_supernet_step(True),
    "nb201_supernet_step_nchw": lambda: bench_nb201_supernet_step(False),
}


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true")
    p.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    results, peaks = {}, {}
    for name in args.only or BENCHMARKS:
        results[name] = BENCHMARKS[name]()
        peaks[name] = peak_mb()
    if args.json:
        print(json.dumps({"torch": torch.__version__, "threads": args.threads, "ms": results, "peak_mb": peaks}))
    else:
        print(f"torch={torch.__version__} threads={args.threads}")
        for k, v in results.items():
            print(f"name={k} ms={v:.3f} peak_mb={peaks[k]:.0f}")


if __name__ == "__main__":
    main()
