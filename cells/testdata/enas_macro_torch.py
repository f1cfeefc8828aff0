#!/usr/bin/python3
"""Writes enas_macro_torch.json: parameters and multiply-adds of ENAS macro networks
built in PyTorch, for cells/enas_macro_test.go (TestENASMacroCostMatchesPyTorch).

Run from this folder with Debian's python3-torch:  /usr/bin/python3 enas_macro_torch.py

The networks follow melodyguan/enas src/cifar10/general_child.py as cells/enas_macro.go
describes them (search child: skip sum + BN; fixed child: concat + ReLU + 1x1 conv + BN
with C doubling at each pooling; nodes reduced only when a later layer reads them).
Parameters are sum(p.numel()) over model.parameters(); multiply-adds are counted by
forward hooks on Conv2d (output elements x in_channels/groups x kh x kw) and Linear
(in x out) for one image.
"""
import json
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["conv3x3", "sep3x3", "conv5x5", "sep5x5", "avg3x3", "max3x3"]


def conv(cin, cout, k, groups=1):
    return nn.Conv2d(cin, cout, k, padding=k // 2, groups=groups, bias=False)


class Branch(nn.Module):
    def __init__(self, op, c):
        super().__init__()
        self.op = OPS[op]
        self.inp = nn.Sequential(conv(c, c, 1), nn.BatchNorm2d(c), nn.ReLU())
        k = 5 if "5x5" in self.op else 3
        if self.op.startswith("conv"):
            self.out = nn.Sequential(conv(c, c, k), nn.BatchNorm2d(c), nn.ReLU())
        elif self.op.startswith("sep"):
            self.out = nn.Sequential(conv(c, c, k, groups=c), conv(c, c, 1), nn.BatchNorm2d(c), nn.ReLU())
        elif self.op == "avg3x3":
            self.out = nn.AvgPool2d(3, 1, 1, count_include_pad=False)
        else:
            self.out = nn.MaxPool2d(3, 1, 1)

    def forward(self, x):
        return self.out(self.inp(x))


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.path1 = conv(cin, cout // 2, 1)
        self.path2 = conv(cin, cout // 2, 1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        p1 = self.path1(x[:, :, ::2, ::2])
        p2 = self.path2(F.pad(x, (0, 1, 0, 1))[:, :, 1::2, 1::2])
        return self.bn(torch.cat([p1, p2], 1))


class MacroNet(nn.Module):
    def __init__(self, layers, filters, channels, classes, fixed, ops, skips):
        super().__init__()
        d = layers // 3
        self.pools = [d - 1, 2 * d - 1] if d > 0 else []
        self.fixed, self.ops, self.skips = fixed, ops, skips
        width = lambda stage: filters << stage if fixed else filters
        self.stem = nn.Sequential(conv(channels, filters, 3), nn.BatchNorm2d(filters))
        self.branches, self.joins, self.reductions = nn.ModuleList(), nn.ModuleList(), nn.ModuleDict()
        # Plan which node is reduced at which pooling: node n is read by layer n and
        # by the layers that skip from it.
        readers = {n: [n] for n in range(layers)}
        for j in range(layers):
            for i, on in enumerate(skips[j]):
                if on:
                    readers[i].append(j)
        stage = 0
        for j in range(layers):
            c = width(stage)
            self.branches.append(Branch(ops[j], c))
            n_in = 1 + sum(skips[j])
            if j == 0:
                self.joins.append(nn.Identity())
            elif fixed:
                self.joins.append(nn.Sequential(nn.ReLU(), conv(n_in * c, c, 1), nn.BatchNorm2d(c)))
            else:
                self.joins.append(nn.BatchNorm2d(c))
            if j in self.pools:
                for n in range(j + 2):  # nodes 0..j+1 exist after layer j
                    if any(r > j for r in readers.get(n, [])):
                        self.reductions["%d_%d" % (j, n)] = Reduction(c, width(stage + 1))
                stage += 1
        self.fc = nn.Linear(width(stage), classes, bias=False)

    def forward(self, x):
        nodes = [self.stem(x)]
        for j, (branch, join) in enumerate(zip(self.branches, self.joins)):
            out = branch(nodes[j])
            if j > 0:
                skipped = [nodes[i] for i, on in enumerate(self.skips[j]) if on]
                out = join(torch.cat(skipped + [out], 1)) if self.fixed else join(sum(skipped, out))
            nodes.append(out)
            if j in self.pools:
                for n in range(len(nodes)):
                    key = "%d_%d" % (j, n)
                    if key in self.reductions:
                        nodes[n] = self.reductions[key](nodes[n])
        return self.fc(nodes[-1].mean((2, 3)))


def count(net, size, channels):
    macs = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            macs[0] += out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            macs[0] += m.in_features * m.out_features

    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    net.eval()
    with torch.no_grad():
        net(torch.zeros(1, channels, size, size))
    return sum(p.numel() for p in net.parameters()), macs[0]


def decode(layers, text):
    vals = [int(v) for v in text.split()]
    ops, skips, k = [], [], 0
    for j in range(layers):
        ops.append(vals[k])
        skips.append(vals[k + 1:k + 1 + j])
        k += 1 + j
    assert k == len(vals), text
    return ops, skips


def random_arch(rng, layers, num_ops=6):
    vals = []
    for j in range(layers):
        vals.append(rng.randrange(num_ops))
        vals += [rng.randrange(2) for _ in range(j)]
    return " ".join(map(str, vals))


FINAL = open("enas_macro_final.txt").read().split()  # scripts/cifar10_macro_final.sh

rng = random.Random(2018)
cases = [
    dict(layers=3, filters=4, image_size=8, channels=3, classes=10, fixed=False, arch="0 3 1 4 0 1"),
    dict(layers=3, filters=4, image_size=7, channels=3, classes=10, fixed=True, arch="5 2 1 1 1 1"),
    dict(layers=6, filters=8, image_size=16, channels=3, classes=10, fixed=False, arch=random_arch(rng, 6)),
    dict(layers=6, filters=8, image_size=16, channels=3, classes=10, fixed=True, arch=random_arch(rng, 6)),
    dict(layers=12, filters=36, image_size=32, channels=3, classes=10, fixed=False, arch=random_arch(rng, 12)),
    dict(layers=12, filters=36, image_size=32, channels=3, classes=10, fixed=False, arch=random_arch(rng, 12)),
    dict(layers=12, filters=36, image_size=32, channels=3, classes=10, fixed=True, arch=random_arch(rng, 12)),
    dict(layers=24, filters=96, image_size=32, channels=3, classes=10, fixed=True, arch=" ".join(FINAL)),
]
for c in cases:
    ops, skips = decode(c["layers"], c["arch"])
    net = MacroNet(c["layers"], c["filters"], c["channels"], c["classes"], c["fixed"], ops, skips)
    c["params"], c["mult_adds"] = count(net, c["image_size"], c["channels"])

with open("enas_macro_torch.json", "w") as f:
    json.dump({"source": "enas_macro_torch.py, PyTorch " + torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
