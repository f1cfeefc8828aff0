#!/usr/bin/env python3
"""PyTorch CPU peer of GoNAS's Go benchmarks (bench/bench_test.go), same shapes.

Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch_bench.py [--threads 2] [--json]
Prints one line per benchmark: name=<name> ms=<milliseconds per op> (best of several repeats
of the mean over an inner loop), so bench/run.sh can put it beside the Go numbers.
"""
import argparse
import json
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    results = {
        "sgemm1024": bench_sgemm(),
        "conv3x3_fwd_nhwc": bench_conv_fwd(True),
        "conv3x3_fwd_nchw": bench_conv_fwd(False),
        "conv3x3_fwdbwd_nhwc": bench_conv_fwd_bwd(True),
        "conv3x3_fwdbwd_nchw": bench_conv_fwd_bwd(False),
        "cnn6_train_step_nhwc": bench_cnn6_step(True),
        "cnn6_train_step_nchw": bench_cnn6_step(False),
        "enas_micro_train_step_nhwc": bench_enas_micro_step(True),
        "enas_micro_train_step_nchw": bench_enas_micro_step(False),
    }
    if args.json:
        print(json.dumps({"torch": torch.__version__, "threads": args.threads, "ms": results}))
    else:
        print(f"torch={torch.__version__} threads={args.threads}")
        for k, v in results.items():
            print(f"name={k} ms={v:.3f}")


if __name__ == "__main__":
    main()
