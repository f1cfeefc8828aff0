#!/usr/bin/python3
"""Writes cells_torch.json: parameters and multiply-adds of NASNet and ENAS micro
networks built in PyTorch, for cells/common_torch_test.go (TestCellCostsMatchPyTorch).

Run from this folder with Debian's python3-torch:  /usr/bin/python3 cells_torch.py

The networks are written here from the reference implementations, independently of
the Go code, and follow the choices cells/ documents:
  - NASNet: TensorFlow's research/slim/nets/nasnet (nasnet.py, nasnet_utils.py):
    CIFAR stem conv3x3(3C)+BN or ImageNet stem (conv3x3 s2 VALID to 32*m, BN, two
    reduction cells of widths C/4, C/2); cell base: h_i -> ReLU-1x1-BN, h_{i-1} ->
    factorized reduction if larger, ReLU-1x1-BN if of another width; sep ops are
    2 x (ReLU, depthwise, pointwise, BN); pools get 1x1+BN when the width differs;
    identity with stride or another width is ReLU-1x1(stride)-BN; conv ops are
    ReLU-conv-BN, 1xk-then-kx1 as ReLU-1xk-kx1-BN, dilated 3x3 as DARTS's DilConv
    (quark0/darts cnn/operations.py: ReLU, depthwise 3x3 of dilation 2, pointwise,
    BN); the output concatenates the unused states (the paper's rule; a state at
    twice the size is first factorized-reduced), or the lists a DARTS genotype
    gives (normal_concat, reduce_concat: DARTS's cnn/model.py Cell); head
    ReLU-GAP-Linear(bias).
  - ENAS micro: melodyguan/enas src/cifar10/micro_child.py, _fixed_layer (and, with
    output_conv, _enas_layer's calibration and final 1x1 conv): stem conv3x3(3C)+BN;
    h(i-2) calibrated (FR if larger, 1x1 if other width), h(i-1) 1x1 if other
    width, then layer_base 1x1 (fixed child only); identity with stride = FR;
    head ReLU-GAP-Linear(no bias).
A concatenating NASNet block is a tensor of 2C channels that later ops read whole.
Parameters are sum(p.numel()); multiply-adds are counted by forward hooks on
Conv2d (output elements x in/groups x kh x kw) and Linear (in x out) for one image.
"""
import json
import random

import torch
import torch.nn as nn

NASNET_OPS = ["identity", "conv1x3_3x1", "conv1x7_7x1", "dil3x3", "avg3x3", "max3x3", "max5x5",
              "max7x7", "conv1x1", "conv3x3", "sep3x3", "sep5x5", "sep7x7"]
ENAS_OPS = ["sep3x3", "sep5x5", "avg3x3", "max3x3", "identity"]


def bn(c):
    return nn.BatchNorm2d(c)


class ReluConvBN(nn.Module):
    def __init__(self, cin, cout, k=1, stride=1, dilation=1):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, padding=dilation * (k // 2),
                                                     dilation=dilation, bias=False), bn(cout))

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout, relu=False):
        super().__init__()
        self.relu = relu
        self.c1 = nn.Conv2d(cin, cout // 2, 1, bias=False)
        self.c2 = nn.Conv2d(cin, cout // 2, 1, bias=False)
        self.bn = bn(cout)

    def forward(self, x):
        if self.relu:
            x = torch.relu(x)
        even = x[:, :, ::2, ::2]
        odd = nn.functional.pad(x, (0, 1, 0, 1))[:, :, 1::2, 1::2][:, :, :even.shape[2], :even.shape[3]]
        return self.bn(torch.cat([self.c1(even), self.c2(odd)], 1))


class Sep(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        layers = []
        for i in range(2):
            c = cin if i == 0 else cout
            layers += [nn.ReLU(), nn.Conv2d(c, c, k, stride if i == 0 else 1, k // 2, groups=c, bias=False),
                       nn.Conv2d(c, cout, 1, bias=False), bn(cout)]
        self.op = nn.Sequential(*layers)

    def forward(self, x):
        return self.op(x)


class DilConv(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cin, k, stride, k - 1, dilation=2, groups=cin, bias=False),
                                nn.Conv2d(cin, cout, 1, bias=False), bn(cout))

    def forward(self, x):
        return self.op(x)


class Pool(nn.Module):
    def __init__(self, cin, cout, kind, k, stride):
        super().__init__()
        if kind == "avg":
            self.pool = nn.AvgPool2d(k, stride, k // 2, count_include_pad=False)
        else:
            self.pool = nn.MaxPool2d(k, stride, k // 2)
        self.fit = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), bn(cout)) if cin != cout else None

    def forward(self, x):
        x = self.pool(x)
        return self.fit(x) if self.fit is not None else x


class ConvPair(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, (1, k), (1, stride), (0, k // 2), bias=False),
                                nn.Conv2d(cout, cout, (k, 1), (stride, 1), (k // 2, 0), bias=False), bn(cout))

    def forward(self, x):
        return self.op(x)


class Identity(nn.Module):
    def forward(self, x):
        return x


def make_op(space, name, cin, cout, stride):
    if name.startswith("sep"):
        return Sep(cin, cout, int(name[3]), stride)
    if name.startswith("avg") or name.startswith("max"):
        return Pool(cin, cout, name[:3], int(name[3]), stride)
    if name == "identity":
        if stride > 1 and space == "enas-micro":
            return FactorizedReduce(cin, cout)
        if stride > 1 or cin != cout:
            return ReluConvBN(cin, cout, 1, stride)
        return Identity()
    if name == "conv1x1":
        return ReluConvBN(cin, cout, 1, stride)
    if name == "conv3x3":
        return ReluConvBN(cin, cout, 3, stride)
    if name == "dil3x3":
        return DilConv(cin, cout, 3, stride)
    if name == "conv1x3_3x1":
        return ConvPair(cin, cout, 3, stride)
    if name == "conv1x7_7x1":
        return ConvPair(cin, cout, 7, stride)
    raise ValueError(name)


def decode(space, choices, blocks):
    """Returns (normal, reduce): lists of (x_in, y_in, x_op, y_op, concat) per block."""
    cells = []
    for c in range(2):
        spec = []
        for b in range(blocks):
            if space == "nasnet":
                ch = choices[(c * blocks + b) * 5:][:5]
                spec.append((ch[0], ch[1], NASNET_OPS[ch[2]], NASNET_OPS[ch[3]], ch[4] == 1))
            else:
                ch = choices[(c * blocks + b) * 4:][:4]
                spec.append((ch[0], ch[2], ENAS_OPS[ch[1]], ENAS_OPS[ch[3]], False))
        cells.append(spec)
    return cells


class Cell(nn.Module):
    """One cell; forward takes and returns (tensor, spatial size)."""

    def __init__(self, space, spec, c_pp, hw_pp, c_p, hw_p, c, reduction, output_conv, outputs=None):
        super().__init__()
        self.spec, self.reduction = spec, reduction
        if hw_pp != hw_p:
            self.pre0 = FactorizedReduce(c_pp, c, relu=True)
        elif c_pp != c:
            self.pre0 = ReluConvBN(c_pp, c)
        else:
            self.pre0 = Identity()
        if space == "nasnet":
            self.pre1 = ReluConvBN(c_p, c)
        else:
            fit = ReluConvBN(c_p, c) if c_p != c else Identity()
            self.pre1 = fit if output_conv else nn.Sequential(fit, ReluConvBN(c, c))
        widths = [c, c]
        self.ops = nn.ModuleList()
        used = [False] * (len(spec) + 2)
        for (xi, yi, xo, yo, concat) in spec:
            for inp, op in ((xi, xo), (yi, yo)):
                stride = 2 if reduction and inp < 2 else 1
                self.ops.append(make_op(space, op, widths[inp], c, stride))
                used[inp] = True
            widths.append(2 * c if concat else c)
        self.unused = outputs if outputs is not None else [k for k, u in enumerate(used) if not u]
        self.out_fr = nn.ModuleDict()
        if reduction:
            for k in self.unused:
                if k < 2:
                    self.out_fr[str(k)] = FactorizedReduce(c, c)
        out_c = sum(widths[k] for k in self.unused)
        self.out_conv = ReluConvBN(out_c, c) if output_conv else None
        self.out_c = c if output_conv else out_c

    def forward(self, s_pp, s_p):
        states = [self.pre0(s_pp), self.pre1(s_p)]
        for b, (xi, yi, xo, yo, concat) in enumerate(self.spec):
            x = self.ops[2 * b](states[xi])
            y = self.ops[2 * b + 1](states[yi])
            states.append(torch.cat([x, y], 1) if concat else x + y)
        outs = [self.out_fr[str(k)](states[k]) if str(k) in self.out_fr else states[k] for k in self.unused]
        out = torch.cat(outs, 1)
        return self.out_conv(out) if self.out_conv is not None else out


class Network(nn.Module):
    def __init__(self, space, choices, cfg, classes):
        super().__init__()
        blocks = cfg["blocks"]
        normal, reduce = decode(space, choices, blocks)
        nc, rc = cfg.get("normal_concat"), cfg.get("reduce_concat")
        C, N, size = cfg["filters"], cfg["cells_per_stage"], cfg["image_size"]
        output_conv = cfg.get("output_conv", False)
        self.cells = nn.ModuleList()
        if cfg.get("imagenet_stem"):
            m = cfg["stem_multiplier"]
            self.stem = nn.Sequential(nn.Conv2d(3, 32 * m, 3, 2, 0, bias=False), bn(32 * m))
            hw = (size - 3) // 2 + 1
            outs = [(32 * m, hw), (32 * m, hw)]
            for div in (4, 2):
                cell = Cell(space, reduce, outs[-2][0], outs[-2][1], outs[-1][0], outs[-1][1], C // div, True, output_conv, rc)
                self.cells.append(cell)
                outs.append((cell.out_c, (outs[-1][1] + 1) // 2))
            outs = outs[1:]
            self.n_stem_cells = 2
        else:
            m = cfg["stem_multiplier"]
            self.stem = nn.Sequential(nn.Conv2d(3, m * C, 3, 1, 1, bias=False), bn(m * C))
            outs = [(m * C, size), (m * C, size)]
            self.n_stem_cells = 0
        c = C
        for i in range(3 * N + 2):
            reduction = i in (N, 2 * N + 1)
            if reduction:
                c *= 2
            cell = Cell(space, reduce if reduction else normal, outs[-2][0], outs[-2][1], outs[-1][0], outs[-1][1],
                        c, reduction, output_conv, rc if reduction else nc)
            self.cells.append(cell)
            outs.append((cell.out_c, (outs[-1][1] + 1) // 2 if reduction else outs[-1][1]))
        self.head = nn.Linear(outs[-1][0], classes, bias=(space == "nasnet"))

    def forward(self, x):
        x = self.stem(x)
        states = [x, x]
        for cell in self.cells:
            states.append(cell(states[-2], states[-1]))
        x = torch.relu(states[-1]).mean((2, 3))
        return self.head(x)


def count(net, size):
    macs = [0]

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            kh, kw = mod.kernel_size
            macs[0] += out.numel() * (mod.in_channels // mod.groups) * kh * kw
        elif isinstance(mod, nn.Linear):
            macs[0] += mod.in_features * mod.out_features

    hooks = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    net.eval()
    with torch.no_grad():
        out = net(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    return sum(p.numel() for p in net.parameters()), macs[0], list(out.shape)


# Named architectures, written as the papers' and reference code's sources give them
# and converted here to choices (decision order: NASNet per block x_in, y_in, x_op,
# y_op, combine; ENAS per node x_id, x_op, y_id, y_op; normal cell then reduction).
def nasnet_from_genotype(normal, reduce):
    names = {"sep_conv_3x3": "sep3x3", "sep_conv_5x5": "sep5x5", "sep_conv_7x7": "sep7x7",
             "avg_pool_3x3": "avg3x3", "max_pool_3x3": "max3x3", "skip_connect": "identity",
             "dil_conv_3x3": "dil3x3", "conv_7x1_1x7": "conv1x7_7x1"}
    out = []
    for genes in (normal, reduce):
        for b in range(len(genes) // 2):
            (xo, xi), (yo, yi) = genes[2 * b], genes[2 * b + 1]
            out += [xi, yi, NASNET_OPS.index(names[xo]), NASNET_OPS.index(names[yo]), 0]
    return out


def enas_from_genotype(normal, reduce):
    names = {"sep_conv_3x3": 0, "sep_conv_5x5": 1, "avg_pool_3x3": 2, "max_pool_3x3": 3, "skip_connect": 4}
    out = []
    for genes in (normal, reduce):
        for (op, inp) in genes:
            out += [inp, names[op]]
    return out


# tensorflow/models research/slim/nets/nasnet/nasnet_utils.py NasNetA{Normal,Reduction}Cell,
# inputs renumbered (TF's 0 is h_i, our 1), = DARTS genotypes.py NASNet.
NASNET_A = nasnet_from_genotype(
    [("sep_conv_5x5", 1), ("sep_conv_3x3", 0), ("sep_conv_5x5", 0), ("sep_conv_3x3", 0), ("avg_pool_3x3", 1),
     ("skip_connect", 0), ("avg_pool_3x3", 0), ("avg_pool_3x3", 0), ("sep_conv_3x3", 1), ("skip_connect", 1)],
    [("sep_conv_5x5", 1), ("sep_conv_7x7", 0), ("max_pool_3x3", 1), ("sep_conv_7x7", 0), ("avg_pool_3x3", 1),
     ("sep_conv_5x5", 0), ("skip_connect", 3), ("avg_pool_3x3", 2), ("sep_conv_3x3", 2), ("max_pool_3x3", 1)])
# quark0/darts cnn/genotypes.py DARTS_V2 (4 blocks, every block concatenated).
DARTS_V2 = nasnet_from_genotype(
    [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 1),
     ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)],
    [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1), ("max_pool_3x3", 0),
     ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)])
# quark0/darts cnn/genotypes.py DARTS_V1 (first-order DARTS).
DARTS_V1 = nasnet_from_genotype(
    [("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("skip_connect", 0), ("sep_conv_3x3", 1), ("skip_connect", 0),
     ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("skip_connect", 2)],
    [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 0), ("max_pool_3x3", 0),
     ("skip_connect", 2), ("skip_connect", 2), ("avg_pool_3x3", 0)])
# The ENAS paper's best micro cell (its figure, as genotype collections write it).
ENAS_PAPER = enas_from_genotype(
    [("sep_conv_3x3", 1), ("skip_connect", 1), ("sep_conv_5x5", 1), ("skip_connect", 0), ("avg_pool_3x3", 0),
     ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("avg_pool_3x3", 1), ("sep_conv_5x5", 1), ("avg_pool_3x3", 0)],
    [("sep_conv_5x5", 0), ("avg_pool_3x3", 1), ("sep_conv_3x3", 1), ("avg_pool_3x3", 1), ("avg_pool_3x3", 1),
     ("sep_conv_3x3", 1), ("avg_pool_3x3", 1), ("sep_conv_5x5", 4), ("sep_conv_5x5", 0), ("sep_conv_3x3", 5)])
# melodyguan/enas scripts/cifar10_micro_final.sh --child_fixed_arc.
ENAS_FIXED = [int(v) for v in ("0 2 0 0 0 4 0 1 0 4 1 1 1 0 0 1 0 2 1 1 "
                               "1 0 1 0 0 3 0 2 1 1 3 1 1 0 0 4 0 3 1 1").split()]


def random_arch(space, rng, blocks=5):
    out = []
    for _cell in range(2):
        for b in range(blocks):
            k = b + 2
            if space == "nasnet":
                out += [rng.randrange(k), rng.randrange(k), rng.randrange(13), rng.randrange(13), rng.randrange(2)]
            else:
                out += [rng.randrange(k), rng.randrange(5), rng.randrange(k), rng.randrange(5)]
    return out


def main():
    small_nasnet = dict(blocks=5, filters=8, cells_per_stage=1, stem_multiplier=3, image_size=16)
    cifar_nasnet = dict(blocks=5, filters=32, cells_per_stage=6, stem_multiplier=3, image_size=32)
    mobile_nasnet = dict(blocks=5, filters=44, cells_per_stage=4, stem_multiplier=1, image_size=224, imagenet_stem=True)
    small_enas = dict(blocks=5, filters=8, cells_per_stage=1, image_size=16, stem_multiplier=3)
    final_enas = dict(blocks=5, filters=36, cells_per_stage=5, image_size=32, stem_multiplier=3)
    search_enas = dict(blocks=5, filters=20, cells_per_stage=2, image_size=32, stem_multiplier=3, output_conv=True)
    darts = dict(blocks=4, filters=36, cells_per_stage=6, stem_multiplier=3, image_size=32,
                 normal_concat=[2, 3, 4, 5], reduce_concat=[2, 3, 4, 5])
    small_darts = dict(darts, filters=8, cells_per_stage=1, image_size=16)
    rng = random.Random(2018)
    cases = [
        ("nasnet", "nasnet-a", small_nasnet, NASNET_A),
        ("nasnet", "nasnet-a", cifar_nasnet, NASNET_A),
        ("nasnet", "nasnet-a", mobile_nasnet, NASNET_A),
        ("nasnet", "darts-v2", small_darts, DARTS_V2),
        ("nasnet", "darts-v2", darts, DARTS_V2),
        ("nasnet", "darts-v1", darts, DARTS_V1),
        ("enas-micro", "enas", small_enas, ENAS_PAPER),
        ("enas-micro", "enas-fixed-arc", small_enas, ENAS_FIXED),
        ("enas-micro", "enas", final_enas, ENAS_PAPER),
        ("enas-micro", "enas-fixed-arc", final_enas, ENAS_FIXED),
        ("enas-micro", "enas", search_enas, ENAS_PAPER),
    ]
    for i in range(4):
        cases.append(("nasnet", "random%d" % i, small_nasnet, random_arch("nasnet", rng)))
        cases.append(("enas-micro", "random%d" % i, small_enas, random_arch("enas-micro", rng)))
        cases.append(("enas-micro", "random-search%d" % i, search_enas, random_arch("enas-micro", rng)))
    records = []
    for space, name, cfg, choices in cases:
        torch.manual_seed(0)
        net = Network(space, choices, cfg, 10)
        params, macs, shape = count(net, cfg["image_size"])
        assert shape == [1, 10], shape
        records.append(dict(space=space, name=name, config=cfg, choices=choices, classes=10,
                            params=params, macs=macs))
        print(space, name, cfg["filters"], cfg["cells_per_stage"], params, macs)
    with open("cells_torch.json", "w") as f:
        json.dump(dict(generator="cells/testdata/cells_torch.py", torch=torch.__version__, cases=records), f, indent=1)


if __name__ == "__main__":
    main()
