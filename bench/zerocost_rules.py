"""How well would each way of combining zero-cost proxies pick a cell? Judged on cifar10-val only.

Reads the per-cell CSV that the zero-cost correlation benchmark writes
(GONAS_ZC_BENCH=1 GONAS_ZC_CELLS=600 GONAS_ZC_CSV=/tmp/zc600.csv
 GONAS_ZC_CORR_PROXIES=naswot,synflow,ntk,stem_grad go test ./nas/zerocost -run TestNB201ProxyCorrelation)
and simulates searches: 400 times, 100 of the scored cells drawn at random, the best by a rule
picked ("-p": the proxy p with its sign flipped), and its cifar10-val accuracy placed among all scored cells (top x%).
Then the zero-cost strategy's then_by as it runs: 5 × 200 times, 100 rank cells and 100 other
sampled cells; a sampled cell whose naswot+synflow score (the fraction of rank cells below it, per
proxy, summed) reaches the rank cells' top then_top is shortlisted, and the shortlist's best by the
then_by proxy is the pick (the best combined score when none is shortlisted). The test column is
never read. Usage: python3 bench/zerocost_rules.py /tmp/zc600.csv
"""
import bisect
import csv
import math
import random
import sys


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0] * len(values)
    for k, i in enumerate(order):
        out[i] = k
    return out


def rank_sum(cells, proxies):
    """The sum of the cells' ranks by each proxy; "-p" ranks by -p (lower is better)."""
    total = [0] * len(cells)
    for p in proxies:
        sign, name = (-1, p[1:]) if p.startswith("-") else (1, p)
        for i, r in enumerate(ranks([sign * c[name] for c in cells])):
            total[i] += r
    return total


def main(path):
    cells = list(csv.DictReader(open(path)))
    proxies = [k for k in cells[0] if k not in ("arch", "params", "cifar10_val", "cifar10_test")]
    for c in cells:
        for k in proxies + ["params", "cifar10_val"]:
            c[k] = float(c[k])
    vals = [c["cifar10_val"] for c in cells]

    def top_percent(v):
        return 100 * sum(1 for x in vals if x > v) / len(vals)

    rules = {p: (lambda p: lambda s: [c[p] for c in s])(p) for p in proxies + ["params"]}
    rules["-ntk"] = lambda s: [-c["ntk"] for c in s] if "ntk" in proxies else None
    for combo in (("naswot", "synflow"), ("naswot", "zico"), ("naswot", "synflow", "zico"),
                  ("naswot", "synflow", "ntk"), ("naswot", "synflow", "-ntk"), ("naswot", "-ntk"), ("synflow", "-ntk"),
                  ("naswot", "synflow", "stem_grad"), ("naswot", "stem_grad"), ("synflow", "stem_grad")):
        if all(p.lstrip("-") in proxies for p in combo):
            rules["rank sum " + "+".join(combo)] = (lambda combo: lambda s: rank_sum(s, combo))(combo)
    if "ntk" in proxies:
        # then_by=-ntk: the cells in the top k of naswot+synflow, ordered by -ntk (the
        # strategy gates on the rank cells' top 10% instead of the sample's top k).
        for k in (5, 10, 20):
            def then(s, k=k):
                base = rank_sum(s, ("naswot", "synflow"))
                short = set(sorted(range(len(s)), key=lambda i: -base[i])[:k])
                return [-s[i]["ntk"] if i in short else float("-inf") for i in range(len(s))]
            rules[f"top {k} of naswot+synflow, then -ntk"] = then
    rng = random.Random(0)
    print(f"{len(cells)} cells; 400 simulated searches of 100 cells each")
    print(f"{'rule':40s} {'pick: mean val top %':>22s} {'P(pick in val top 10%)':>24s}")
    for name, rule in rules.items():
        if rule(cells[:1]) is None:
            continue
        tops = []
        for _ in range(400):
            sample = rng.sample(cells, 100)
            score = rule(sample)
            best = max(range(len(sample)), key=lambda i: score[i])
            tops.append(top_percent(sample[best]["cifar10_val"]))
        print(f"{name:40s} {sum(tops) / len(tops):22.1f} {sum(t <= 10 for t in tops) / len(tops):24.2f}")
    simulate_then_by(cells, top_percent)


def simulate_then_by(cells, top_percent):
    """The strategy's then_by (see the module comment) for every then-proxy in the CSV."""
    thens = [t for t in ("-ntk", "stem_grad") if t.lstrip("-") in cells[0]]
    if not thens or not all(p in cells[0] for p in ("naswot", "synflow")):
        return
    print("then_by as the strategy runs it: 1,000 searches of 100 cells, gated on 100 rank cells")
    print(f"{'then_by':12s} {'then_top':>8s} {'pick: mean val top %':>22s} {'P(pick in val top 10%)':>24s}")
    for then in thens:
        sign, name = (-1, then[1:]) if then.startswith("-") else (1, then)
        for then_top in (0.1, 0.15, 0.2, 0.25, 0.3):
            tops = []
            for seed in range(5):
                rng = random.Random(seed)
                for _ in range(200):
                    drawn = rng.sample(cells, 200)
                    rank, sample = drawn[:100], drawn[100:]
                    refs = {p: sorted(c[p] for c in rank) for p in ("naswot", "synflow")}

                    def combined(c):
                        return sum(bisect.bisect_left(refs[p], c[p]) / len(rank) for p in refs)
                    ranked = sorted(combined(c) for c in rank)
                    gate = ranked[math.ceil((1 - then_top) * len(ranked)) - 1]
                    short = [c for c in sample if combined(c) >= gate]
                    pick = max(short, key=lambda c: sign * c[name]) if short else max(sample, key=combined)
                    tops.append(top_percent(pick["cifar10_val"]))
            print(f"{then:12s} {then_top:8.2f} {sum(tops) / len(tops):22.1f} {sum(t <= 10 for t in tops) / len(tops):24.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
