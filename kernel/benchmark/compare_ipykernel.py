"""Start gradbook and ipykernel side by side over jupyter_client and compare.

Run after ./install.sh, with Debian's Python (python3-jupyter-client,
python3-ipykernel):

    /usr/bin/python3 kernel/benchmark/compare_ipykernel.py [--rounds 1000]

For each kernel it measures, in one run, interleaved so both see the same
machine load:
  * start: from KernelManager.start_kernel() to the first kernel_info_reply
    (a kernel_info_request sent as soon as the client's channels are up;
    jupyter_client's wait_for_ready would add its own waits: it flushes
    iopub until 0.2 s pass with no message);
  * round trip: a trivial execute_request until its execute_reply and the
    idle status (p50 and p99 over --rounds requests);
  * a cell printing 200,000 lines: wall time until idle (median of
    --line-runs runs), lines received (all must arrive), and the peak RSS
    (VmHWM) of the kernel's process tree.
It prints a table and the gradbook/ipykernel ratios against the targets.

With --floor it also runs two kernels that answer but run nothing:
kernel/benchmark/nullkernel (built with go build), on gradbook's protocol
layer, and kernel/benchmark/pynull.py, on pyzmq (libzmq) and
jupyter_client's Session. Their start and round trip are the floor that the
client's own work and the protocol handling put under any kernel written
with that layer, and under any kernel at all.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

KERNELS = {
    "gradbook": {
        "trivial": "_ = 0",
        "lines": "for i := 0; i < %d; i++ {\n\tfmt.Println(i)\n}",
    },
    "python3": {
        "trivial": "pass",
        "lines": "for i in range(%d):\n    print(i)",
    },
    "gradbook-null": {"trivial": "", "lines": None},
    "libzmq-null": {"trivial": "", "lines": None},
}
TARGETS = {"start": 0.1, "p50": 0.25, "p99": 0.5, "lines_time": 0.5}


def tree_pids(pid):
    """pid and all its descendants, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def peak_rss_kib(pid):
    """Sum of VmHWM over the process tree rooted at pid, in KiB."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def wait_idle(kc, msg_id, timeout=600):
    """Collect stdout text of msg_id until its idle status; return (text, ok)."""
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "stream" and msg["content"]["name"] == "stdout":
            chunks.append(msg["content"]["text"])
        elif t == "error":
            raise RuntimeError("cell failed: %s" % msg["content"]["evalue"])
        elif t == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(chunks)
    raise TimeoutError("no idle status")


def execute(kc, code):
    msg_id = kc.execute(code, store_history=False)
    while True:
        # wait_for_ready may leave extra kernel_info_replies queued.
        reply = kc.get_shell_msg(timeout=600)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    text = wait_idle(kc, msg_id)
    return reply, text


class Subject:
    def __init__(self, name):
        self.name = name
        self.code = KERNELS[name]

    def start(self):
        t0 = time.perf_counter()
        self.km = KernelManager(kernel_name=self.name)
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        msg_id = self.kc.kernel_info()
        while True:
            reply = self.kc.get_shell_msg(timeout=120)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        self.start_s = time.perf_counter() - t0
        self.kc.wait_for_ready(timeout=120)  # iopub connected too
        self.pid = self.km.provisioner.process.pid if self.km.provisioner else self.km.kernel.pid

    def round_trip(self):
        t0 = time.perf_counter()
        execute(self.kc, self.code["trivial"])
        return time.perf_counter() - t0

    def lines(self, n):
        t0 = time.perf_counter()
        _, text = execute(self.kc, self.code["lines"] % n)
        elapsed = time.perf_counter() - t0
        got = text.count("\n")
        return elapsed, got, peak_rss_kib(self.pid)

    def stop(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


def install_null_kernels():
    """Build nullkernel and install kernelspecs "gradbook-null" for it and
    "libzmq-null" for pynull.py in a temporary directory put first on
    JUPYTER_PATH."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    tmp = tempfile.mkdtemp(prefix="gradbook-null-")
    exe = os.path.join(tmp, "nullkernel")
    subprocess.run(["go", "build", "-o", exe, "./kernel/benchmark/nullkernel"], cwd=root, check=True)
    specs = {
        "gradbook-null": ([exe], "null (gradbook's protocol layer)"),
        "libzmq-null": ([sys.executable, os.path.join(here, "pynull.py")], "null (pyzmq, libzmq)"),
    }
    for name, (argv, display) in specs.items():
        spec = os.path.join(tmp, "kernels", name)
        os.makedirs(spec)
        with open(os.path.join(spec, "kernel.json"), "w") as f:
            json.dump({"argv": argv + ["{connection_file}"], "display_name": display,
                       "language": "go", "interrupt_mode": "message"}, f)
    os.environ["JUPYTER_PATH"] = tmp + os.pathsep + os.environ.get("JUPYTER_PATH", "")


def pct(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--line-runs", type=int, default=3, help="runs of the line cell per kernel (median time)")
    ap.add_argument("--starts", type=int, default=5, help="kernel starts per kernel (median)")
    ap.add_argument("--floor", action="store_true", help="also time nullkernel (start, round trip)")
    args = ap.parse_args()

    names = ["gradbook", "python3"]
    if args.floor:
        install_null_kernels()
        names += ["gradbook-null", "libzmq-null"]
    starts = {n: [] for n in names}
    for _ in range(args.starts):
        for n in names:
            s = Subject(n)
            s.start()
            starts[n].append(s.start_s)
            s.stop()

    subjects = {n: Subject(n) for n in names}
    for s in subjects.values():
        s.start()
        for _ in range(20):  # warm up
            s.round_trip()
    trips = {n: [] for n in names}
    for _ in range(args.rounds):
        for n in names:
            trips[n].append(subjects[n].round_trip())
    runs = {n: [] for n in names[:2]}
    for _ in range(args.line_runs):
        for n in names[:2]:
            elapsed, got, rss = subjects[n].lines(args.lines)
            if got != args.lines:
                print(f"{n}: only {got} of {args.lines} lines arrived", file=sys.stderr)
            runs[n].append((elapsed, got, rss))
    # Median time; the fewest lines received and the highest peak RSS.
    lines = {n: (statistics.median(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs))
             for n, rs in runs.items()}
    for s in subjects.values():
        s.stop()

    rows = {}
    for n in names:
        rows[n] = {
            "start": statistics.median(starts[n]),
            "p50": pct(trips[n], 50),
            "p99": pct(trips[n], 99),
        }
        if n in lines:
            rows[n].update(lines_time=lines[n][0], lines_got=lines[n][1], rss_mib=lines[n][2] / 1024)
    g, p = rows["gradbook"], rows["python3"]
    print(f"{'':28}{'gradbook':>12}{'ipykernel':>12}{'ratio':>8}{'target':>9}")
    fmt = "{:28}{:>12}{:>12}{:>8.3f}{:>9}"
    print(fmt.format("start → kernel_info_reply", "%.1f ms" % (g["start"] * 1e3), "%.1f ms" % (p["start"] * 1e3),
                     g["start"] / p["start"], "≤ %.2f" % TARGETS["start"]))
    print(fmt.format("execute round trip p50", "%.3f ms" % (g["p50"] * 1e3), "%.3f ms" % (p["p50"] * 1e3),
                     g["p50"] / p["p50"], "≤ %.2f" % TARGETS["p50"]))
    print(fmt.format("execute round trip p99", "%.3f ms" % (g["p99"] * 1e3), "%.3f ms" % (p["p99"] * 1e3),
                     g["p99"] / p["p99"], "≤ %.2f" % TARGETS["p99"]))
    print(fmt.format("%d-line cell: time" % args.lines, "%.2f s" % g["lines_time"], "%.2f s" % p["lines_time"],
                     g["lines_time"] / p["lines_time"], "≤ %.2f" % TARGETS["lines_time"]))
    print(fmt.format("%d-line cell: peak RSS" % args.lines, "%.1f MiB" % g["rss_mib"], "%.1f MiB" % p["rss_mib"],
                     g["rss_mib"] / p["rss_mib"], "—"))
    print(f"lines received: gradbook {g['lines_got']}, ipykernel {p['lines_got']} (of {args.lines})")
    if args.floor:
        for n, what in (("gradbook-null", "nullkernel (gradbook's protocol layer)"),
                        ("libzmq-null", "pynull.py (pyzmq, libzmq)")):
            f = rows[n]
            print(f"floor: {what}, runs nothing; ratio to ipykernel:")
            print(fmt.format("  start → kernel_info_reply", "%.1f ms" % (f["start"] * 1e3), "", f["start"] / p["start"], ""))
            print(fmt.format("  execute round trip p50", "%.3f ms" % (f["p50"] * 1e3), "", f["p50"] / p["p50"], ""))
            print(fmt.format("  execute round trip p99", "%.3f ms" % (f["p99"] * 1e3), "", f["p99"] / p["p99"], ""))
    print(f"rounds: {args.rounds}, starts: {args.starts} (median), line cell runs: {args.line_runs} (median), "
          f"python {sys.version.split()[0]}")
    ok = (g["start"] / p["start"] <= TARGETS["start"] and g["p50"] / p["p50"] <= TARGETS["p50"]
          and g["p99"] / p["p99"] <= TARGETS["p99"] and g["lines_time"] / p["lines_time"] <= TARGETS["lines_time"]
          and g["lines_got"] == args.lines)
    print("all targets met" if ok else "some targets NOT met")


if __name__ == "__main__":
    main()
