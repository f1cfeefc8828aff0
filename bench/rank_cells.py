#!/usr/bin/env python3
"""Ranks other combinations of a NAS-Bench-201 search's measures against the table.

    python3 bench/rank_cells.py RESULT.json [ZERO_COST_RESULT.json ...]

RESULT.json is a `gonas search --space nb201` result: its final_agreement lists the
fixed rank cells with their final score, their loss and accuracy with the final
shared weights, their raw zero-cost proxies and their table accuracies. Zero-cost
results of the same seed and proxy_images (`--strategy zero-cost --set
proxies=...,proxy_images=64`) add the proxies they computed; a proxy both files
hold must agree. Prints Kendall's tau-b against cifar10-val and cifar10-test of
each measure alone and of the loss with each set of proxies, combined as
score_by=loss+zero-cost combines them: the loss's fraction of the rank cells
with a higher loss plus the mean of the proxies' fractions (ties count half). A
proxy missing from a cell (NASWOT's -inf) counts as the lowest.

For a strategy whose supernet does not depend on the score (oneshot trains
uniform paths), the tau printed for another set of proxies is the tau a search
with that set would end with; its pick is not.
"""
import itertools
import json
import sys


def kendall_tau_b(a, b):
    concordant = discordant = ties_a = ties_b = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            x, y = a[i] - a[j], b[i] - b[j]
            if x == 0 and y == 0:
                continue
            if x == 0:
                ties_a += 1
            elif y == 0:
                ties_b += 1
            elif (x > 0) == (y > 0):
                concordant += 1
            else:
                discordant += 1
    n = ((concordant + discordant + ties_a) * (concordant + discordant + ties_b)) ** 0.5
    return (concordant - discordant) / n if n else 0.0


def fractions(values):
    """Each value's fraction of the values below it, ties counting half."""
    return [(sum(o < v for o in values) + sum(o == v for o in values) / 2) / len(values) for v in values]


def main(paths):
    result = json.load(open(paths[0]))
    cells = result["final_agreement"]["cells"]
    proxies = {c["arch"]: dict(c.get("proxies") or {}) for c in cells}
    for path in paths[1:]:
        for c in json.load(open(path))["final_agreement"]["cells"]:
            if c["arch"] not in proxies:
                sys.exit(f"{path}: cell {c['arch']} is not a rank cell of {paths[0]} (another seed?)")
            for name, v in (c.get("proxies") or {}).items():
                old = proxies[c["arch"]].setdefault(name, v)
                if abs(old - v) > 1e-9 * max(1.0, abs(v)):
                    sys.exit(f"{path}: {name} of {c['arch']} is {v}, {paths[0]} has {old}")
    val = [c["cifar10_val"] for c in cells]
    test = [c["cifar10_test"] for c in cells]
    names = sorted(set().union(*proxies.values()))
    frac = {n: fractions([proxies[c["arch"]].get(n, float("-inf")) for c in cells]) for n in names}
    have_loss = all(c.get("loss") is not None for c in cells)
    if have_loss:
        frac["loss"] = fractions([-c["loss"] for c in cells])
    print(f"seed {result['seed']}, {result['strategy']}, {len(cells)} rank cells; "
          f"final tau val {result['final_agreement']['tau_val']:.3f}, "
          f"of the written scores {kendall_tau_b([c['score'] for c in cells], val):.3f}")

    def show(label, score):
        print(f"  {label:<32} tau val {kendall_tau_b(score, val):+.3f}   tau test {kendall_tau_b(score, test):+.3f}")

    for n in frac:
        show(n, frac[n])
    if not have_loss:
        return
    for k in range(1, len(names) + 1):
        for subset in itertools.combinations(names, k):
            mean = [sum(frac[n][i] for n in subset) / k for i in range(len(cells))]
            show("loss+" + "+".join(subset), [frac["loss"][i] + mean[i] for i in range(len(cells))])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
