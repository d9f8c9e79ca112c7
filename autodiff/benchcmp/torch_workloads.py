"""The LECTURE.md benchmark workloads B1-B3 in PyTorch (eager, float64, one thread).

Each workload is checked against its closed form before it is timed; a wrong
answer raises WorkloadError instead of producing a number. Times are medians of
several samples, each sample long enough (MIN_SAMPLE seconds) to be measured
reliably. Imported by compare.py; run under /usr/bin/python3 (Debian's torch).
"""

import math
import statistics
import time

import torch

MIN_SAMPLE = 0.05  # seconds: a sample repeats the call until it lasts this long


class WorkloadError(Exception):
    """A PyTorch workload did not reproduce its closed-form answer."""


def median_seconds(fn, samples=5, warmup=1):
    """Return the median wall time of one call to fn, in seconds."""
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    number = max(1, int(MIN_SAMPLE / max(once, 1e-9)))
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def check_close(name, got, want, tol):
    """Raise WorkloadError unless got and want agree within tol (max abs error)."""
    err = (got - want).abs().max().item() if torch.is_tensor(got) else abs(got - want)
    scale = max(1.0, want.abs().max().item() if torch.is_tensor(want) else abs(want))
    if not err <= tol * scale:
        raise WorkloadError(f"{name}: error {err:.3g} exceeds {tol:g}")
    return err


# B1: scalar chain y <- sin(c*y), N nodes (N/2 multiplications and N/2 sines).

B1_C = 1.0001
B1_Y0 = 0.5


def b1_chain(n, y0):
    y = y0
    for _ in range(n // 2):
        y = torch.sin(B1_C * y)
    return y


def b1_closed_form(n):
    """dy/dy0 = prod_k c*cos(c*y_k), with plain Python floats."""
    y, d = B1_Y0, 1.0
    for _ in range(n // 2):
        u = B1_C * y
        d *= B1_C * math.cos(u)
        y = math.sin(u)
    return y, d


def b1(n, samples):
    """Return ns per node for the forward (recording) pass and for fwd+bwd."""
    want_y, want_d = b1_closed_form(n)
    y0 = torch.tensor(B1_Y0, requires_grad=True)
    y = b1_chain(n, y0)
    y.backward()
    check_close(f"B1 N={n} value", y.item(), want_y, 1e-12)
    check_close(f"B1 N={n} dy/dy0", y0.grad.item(), want_d, 1e-12)

    def fwd():
        x = torch.tensor(B1_Y0, requires_grad=True)
        return b1_chain(n, x)

    def fwd_bwd():
        x = torch.tensor(B1_Y0, requires_grad=True)
        b1_chain(n, x).backward()

    tf = median_seconds(fwd, samples, warmup=0)
    tb = median_seconds(fwd_bwd, samples, warmup=0)
    return {"fwd": tf / n * 1e9, "fwdbwd": tb / n * 1e9}


# B2: s = sum(tanh(W x)), W 1000x1000, x 1000 (GEMV) or X 1000x256 (GEMM).

def b2(cols, samples):
    """Return milliseconds for fwd and fwd+bwd of sum(tanh(W X)); cols=0 means a vector x."""
    g = torch.Generator().manual_seed(1)
    n = 1000
    W = (torch.randn(n, n, generator=g) / math.sqrt(n)).requires_grad_()
    x = torch.randn(n, generator=g) if cols == 0 else torch.randn(n, cols, generator=g)
    x.requires_grad_()

    s = torch.tanh(W @ x).sum()
    s.backward()
    with torch.no_grad():
        t = torch.tanh(W @ x)
        d = 1 - t * t
        want_dx = W.T @ d
        want_dW = torch.outer(d, x) if cols == 0 else d @ x.T
    name = "GEMV" if cols == 0 else "GEMM"
    check_close(f"B2 {name} dx", x.grad, want_dx, 1e-12)
    check_close(f"B2 {name} dW", W.grad, want_dW, 1e-12)

    def fwd():
        with torch.enable_grad():
            return torch.tanh(W @ x).sum()

    def fwd_bwd():
        W.grad = None  # as a training step: backward allocates dW each time
        x.grad = None
        torch.tanh(W @ x).sum().backward()

    tf = median_seconds(fwd, samples)
    tb = median_seconds(fwd_bwd, samples)
    return {"fwd": tf * 1e3, "fwdbwd": tb * 1e3}


# B3: Jacobian of tanh(A x) for A m x n, and the Hessian of x^T B x + sum(sin x).

def b3_jacobian(m, n, samples):
    """Return milliseconds for each way PyTorch offers to form the m x n Jacobian."""
    g = torch.Generator().manual_seed(2)
    A = torch.randn(m, n, generator=g) / math.sqrt(n)
    x = torch.randn(n, generator=g)

    def f(v):
        return torch.tanh(A @ v)

    want = (1 - torch.tanh(A @ x) ** 2)[:, None] * A
    ways = {
        "rev": lambda: torch.autograd.functional.jacobian(f, x),
        "rev_vec": lambda: torch.autograd.functional.jacobian(f, x, vectorize=True),
        "fwd_vec": lambda: torch.autograd.functional.jacobian(
            f, x, vectorize=True, strategy="forward-mode"),
    }
    out = {}
    for key, fn in ways.items():
        check_close(f"B3 J {m}x{n} {key}", fn(), want, 1e-12)
        out[key] = median_seconds(fn, samples) * 1e3
    return out


def b3_hessian(n, samples):
    """Return milliseconds for functional.hessian, unvectorized and vectorized."""
    g = torch.Generator().manual_seed(3)
    B = torch.randn(n, n, generator=g) / math.sqrt(n)
    x = torch.randn(n, generator=g)

    def f(v):
        return v @ B @ v + torch.sin(v).sum()

    want = B + B.T - torch.diag(torch.sin(x))
    ways = {
        "unvec": lambda: torch.autograd.functional.hessian(f, x),
        "vec": lambda: torch.autograd.functional.hessian(f, x, vectorize=True),
    }
    out = {}
    for key, fn in ways.items():
        check_close(f"B3 Hessian n={n} {key}", fn(), want, 1e-12)
        out[key] = median_seconds(fn, samples) * 1e3
    return out


def run_all(quick=False, b1_sizes=(10_000, 100_000, 1_000_000)):
    """Run every workload and return {key: {metric: value}}; quick trims samples."""
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    s = 3 if quick else 5
    res = {}
    for n in b1_sizes:
        # The 1e6 chain takes seconds per sample in PyTorch: one sample suffices.
        res[f"b1/{n}"] = b1(n, 1 if n >= 1_000_000 else s)
    res["b2/gemv"] = b2(0, s)
    res["b2/gemm"] = b2(256, s)
    for m, n in ((200, 200), (200, 20), (20, 200)):
        res[f"b3/jac/{m}x{n}"] = b3_jacobian(m, n, s)
    res["b3/hess/200"] = b3_hessian(200, s)
    return res
