"""Print the autodiff Go benchmarks and the same workloads in PyTorch side by side.

Usage (run.sh does this): /usr/bin/python3 compare.py GO_BENCH_OUTPUT [--quick]

GO_BENCH_OUTPUT is the text `go test -bench` printed (several -count runs are
fine: the median is used). PyTorch runs here, eager, float64, one thread, on
OpenBLAS; every PyTorch workload is checked against its closed form first.
Prints one table of medians with the ratio Go/PyTorch and the issue's target
for each row. A Go benchmark that does not exist is shown as "missing".
"""

import argparse
import os
import re
import statistics
import sys

# Go benchmark names, as `go test -bench` prints them without the -GOMAXPROCS
# suffix. Benchmarks of ./autodiff come first; the ones in ./autodiff/benchcmp
# fill in what the core does not have.
GO = {
    "b1/fwd": "BenchmarkB1Chain/fwd/N={n}",
    "b1/fwdbwd": "BenchmarkB1Chain/fwd+bwd/N={n}",
    "b2/gemv/fwd": "BenchmarkB2Dense/GEMV/fwd",
    "b2/gemv/fwdbwd": "BenchmarkB2Dense/GEMV/fwd+bwd",
    "b2/gemm/fwd": "BenchmarkB2Dense/GEMM/fwd",
    "b2/gemm/fwdbwd": "BenchmarkB2Dense/GEMM/fwd+bwd",
    "b3/jac/fwd": "BenchmarkB3Jacobian/{shape}/forward",
    "b3/jac/rev": "BenchmarkB3Jacobian/{shape}/reverse",
    "b3/hess": "BenchmarkB3Hessian",
    "mem/jvp": "BenchmarkChainMemory/N={n}/jvp",
    "mem/rev": "BenchmarkChainMemory/N={n}/reverse",
}

B1_SIZES = (10_000, 100_000, 1_000_000)
MEM_SIZES = (10_000, 100_000, 1_000_000)

LINE = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$")
METRIC = re.compile(r"([-+0-9.eE]+)\s+(\S+)")


def parse_go(text):
    """Return {benchmark name: {unit: median value}} from `go test -bench` output."""
    runs = {}
    for line in text.splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        metrics = runs.setdefault(m.group(1), {})
        for value, unit in METRIC.findall(m.group(2)):
            metrics.setdefault(unit, []).append(float(value))
    return {name: {u: statistics.median(v) for u, v in ms.items()} for name, ms in runs.items()}


def check_env():
    """Fail unless PyTorch runs with one thread on OpenBLAS; return a description."""
    import torch

    problems = []
    if os.environ.get("OPENBLAS_CORETYPE"):
        problems.append("OPENBLAS_CORETYPE is set (unset it: it slows OpenBLAS)")
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        problems.append("OPENBLAS_NUM_THREADS is not 1")
    torch.set_num_threads(1)
    torch.ones(64, 64, dtype=torch.float64) @ torch.ones(64, 64, dtype=torch.float64)
    with open("/proc/self/maps") as f:
        libs = sorted({os.path.realpath(l.split()[-1]) for l in f
                       if "blas" in l.split()[-1] and l.split()[-1].startswith("/")})
    if not any("openblas" in l for l in libs):
        problems.append("torch does not load OpenBLAS: " + ", ".join(libs))
    if problems:
        sys.exit("compare.py: " + "; ".join(problems))
    return "torch %s, %d thread, BLAS %s" % (torch.__version__, torch.get_num_threads(),
                                             ", ".join(os.path.basename(l) for l in libs))


class Table:
    """Rows of workload, metric, Go, PyTorch, Go/PyTorch, target, verdict."""

    HEAD = ("workload", "metric", "Go", "PyTorch", "Go/PyTorch", "target", "ok")

    def __init__(self):
        self.rows = []

    def add(self, workload, metric, go, torch, target="", ok=None):
        num = (int, float)
        ratio = go / torch if isinstance(go, num) and isinstance(torch, num) and torch else None
        verdict = "" if ok is None else ("yes" if ok else "NO")
        ratio_s = "" if isinstance(torch, str) else fmt(ratio, 2)
        self.rows.append((workload, metric, fmt(go), fmt(torch), ratio_s, target, verdict))

    def render(self):
        cols = list(zip(self.HEAD, *self.rows)) if self.rows else [[h] for h in self.HEAD]
        width = [max(len(c) for c in col) for col in cols]
        lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(self.HEAD, width)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in width) + "|"]
        for r in self.rows:
            lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, width)) + " |")
        return "\n".join(lines)


def fmt(v, digits=3):
    """Format a number with `digits` significant digits; None reads "missing"."""
    if v is None:
        return "missing"
    if isinstance(v, str):
        return v
    return f"{v:.{digits}g}" if abs(v) < 10 ** digits else f"{v:.0f}"


def go_value(bench, key, unit, scale=1.0, **names):
    """Return the median of unit for the Go benchmark GO[key], times scale, or None."""
    m = bench.get(GO[key].format(**names))
    if m is None or unit not in m:
        return None
    return m[unit] * scale


def both(a, b, f):
    return None if a is None or b is None else f(a, b)


def build_table(bench, torch_res):
    t = Table()
    # B1: ns per node, recorded as ns/op of the whole chain divided by N.
    for n in B1_SIZES:
        tr = torch_res.get(f"b1/{n}", {"fwd": "not run", "fwdbwd": "not run"})
        gf = go_value(bench, "b1/fwd", "ns/op", 1 / n, n=n)
        gb = go_value(bench, "b1/fwdbwd", "ns/op", 1 / n, n=n)
        w = f"B1 chain N=1e{len(str(n)) - 1}"
        t.add(w, "fwd ns/node", gf, tr.get("fwd"))
        t.add(w, "fwd+bwd ns/node", gb, tr.get("fwdbwd"), "Go <= 100", both(gb, 0, lambda g, _: g <= 100))
    # B2: milliseconds.
    for name, factor in (("gemv", 0.6), ("gemm", 1.5)):
        tr = torch_res.get(f"b2/{name}", {})
        gf = go_value(bench, f"b2/{name}/fwd", "ns/op", 1e-6)
        gb = go_value(bench, f"b2/{name}/fwdbwd", "ns/op", 1e-6)
        w = "B2 sum tanh(Wx) GEMV" if name == "gemv" else "B2 sum tanh(WX) GEMM"
        t.add(w, "fwd ms", gf, tr.get("fwd"))
        tb = tr.get("fwdbwd")
        t.add(w, "fwd+bwd ms", gb, tb, f"<= {factor}x PyTorch",
              both(gb, tb, lambda g, p: g <= factor * p))
        ratio_ok = both(gb, gf, lambda b, f: b / f <= 4) if name == "gemv" else None
        t.add(w, "grad/f", both(gb, gf, lambda b, f: b / f),
              both(tb, tr.get("fwd"), lambda b, f: b / f),
              "Go <= 4" if name == "gemv" else "", ratio_ok)
    # B3: milliseconds; the target is PyTorch's unvectorized functional.jacobian.
    for shape in ("200x200", "200x20", "20x200"):
        tr = torch_res.get(f"b3/jac/{shape}", {})
        unvec = tr.get("rev")
        w = f"B3 jacobian tanh(Ax) A {shape}"
        for mode in ("fwd", "rev"):
            g = go_value(bench, f"b3/jac/{mode}", "ns/op", 1e-6, shape=shape)
            t.add(w, f"Go {'forward' if mode == 'fwd' else 'reverse'} vs torch unvectorized ms",
                  g, unvec, "<= 1x PyTorch", both(g, unvec, lambda a, b: a <= b))
        gbest = both(go_value(bench, "b3/jac/fwd", "ns/op", 1e-6, shape=shape),
                     go_value(bench, "b3/jac/rev", "ns/op", 1e-6, shape=shape), min)
        t.add(w, "Go best vs torch vectorized reverse ms", gbest, tr.get("rev_vec"))
        t.add(w, "Go best vs torch vectorized forward ms", gbest, tr.get("fwd_vec"))
    tr = torch_res.get("b3/hess/200", {})
    g = go_value(bench, "b3/hess", "ns/op", 1e-6)
    t.add("B3 hessian x'Bx+sum sin x n=200", "ms vs torch unvectorized", g, tr.get("unvec"),
          "<= 1x PyTorch", both(g, tr.get("unvec"), lambda a, b: a <= b))
    t.add("B3 hessian x'Bx+sum sin x n=200", "ms vs torch vectorized", g, tr.get("vec"))
    # Memory: the live heap forward mode keeps must not grow with the chain.
    jvp = {n: go_value(bench, "mem/jvp", "live-B", n=n) for n in MEM_SIZES}
    rev = {n: go_value(bench, "mem/rev", "live-B", n=n) for n in MEM_SIZES}
    for n in MEM_SIZES:
        w = f"memory chain N=1e{len(str(n)) - 1}"
        t.add(w, "JVP live bytes", jvp[n], "n/a")
        t.add(w, "reverse live bytes", rev[n], "n/a")
    lo, hi = jvp[MEM_SIZES[0]], jvp[MEM_SIZES[-1]]
    rlo, rhi = rev[MEM_SIZES[0]], rev[MEM_SIZES[-1]]
    t.add("memory growth 1e4 -> 1e6", "JVP live bytes", both(hi, lo, lambda h, l: h - l), "n/a",
          "flat (< 64 KiB)", both(hi, lo, lambda h, l: h - l < 64 * 1024))
    t.add("memory growth 1e4 -> 1e6", "reverse live bytes", both(rhi, rlo, lambda h, l: h - l), "n/a")
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("go_output", help="file with the output of go test -bench")
    ap.add_argument("--quick", action="store_true", help="fewer samples, no 1e6 PyTorch chain")
    args = ap.parse_args()
    env = check_env()

    import torch_workloads

    with open(args.go_output) as f:
        bench = parse_go(f.read())
    sizes = B1_SIZES[:2] if args.quick else B1_SIZES
    res = torch_workloads.run_all(quick=args.quick, b1_sizes=sizes)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"PyTorch: {env}; eager, float64; every workload checked before timing.")
    print(f"Load average while PyTorch ran: {' '.join(load)} (the machine is shared: numbers are noisy).")
    print("Go: see the go test header above (matrix products on autodiff/internal/gemm's AVX2/AVX-512 kernels, the rest on gonum's BLAS). Times are medians.\n")
    print(build_table(bench, res).render())


if __name__ == "__main__":
    main()
