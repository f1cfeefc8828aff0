# Builds NAS-Bench-201 networks in PyTorch exactly as the benchmark's code
# (models/cell_infers/tiny_network.py, cells.py, cell_operations.py; affine BN)
# and prints their trainable parameter counts.
import json, sys
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]

def relu_conv_bn(c, k, stride=1):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c if stride == 1 else c, c, k, stride, k // 2, bias=False), nn.BatchNorm2d(c))

class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, 3, 2, 1, bias=False), nn.BatchNorm2d(cout))
        self.b = nn.Sequential(nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.short = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))
    def forward(self, x):
        return self.b(self.a(x)) + self.short(x)

class Cell(nn.Module):
    def __init__(self, c, ops):
        super().__init__()
        self.edges = nn.ModuleDict()
        k = 0
        for to in range(1, 4):
            for frm in range(to):
                op = OPS[ops[k]]
                if op == "nor_conv_1x1": self.edges[f"{frm}{to}"] = relu_conv_bn(c, 1)
                elif op == "nor_conv_3x3": self.edges[f"{frm}{to}"] = relu_conv_bn(c, 3)
                elif op == "avg_pool_3x3": self.edges[f"{frm}{to}"] = nn.AvgPool2d(3, 1, 1, count_include_pad=False)
                elif op == "skip_connect": self.edges[f"{frm}{to}"] = nn.Identity()
                k += 1

def network(ops, C=16, N=5, classes=10):
    mods = [nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C)]
    c = C
    for stage in range(3):
        if stage > 0:
            mods.append(ResBlock(c, 2 * c)); c *= 2
        mods += [Cell(c, ops) for _ in range(N)]
    mods += [nn.BatchNorm2d(c), nn.Linear(c, classes)]
    return nn.ModuleList(mods)

def count(m):
    return sum(p.numel() for p in m.parameters() if p.requires_grad)

cases = {
    "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|": [3, 0, 3, 1, 0, 0],
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|": [3] * 6,
    "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|": [0] * 6,
    "|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_3x3~0|nor_conv_1x1~1|avg_pool_3x3~2|": [2, 4, 1, 3, 2, 4],
}
out = {"how": "python3 cells/testdata/nb201_torch.py (Debian python3-torch 1.13.1); C=16, N=5, 10 classes, affine BN",
       "params": {s: count(network(o)) for s, o in cases.items()}}
json.dump(out, sys.stdout, indent=1)
print()
