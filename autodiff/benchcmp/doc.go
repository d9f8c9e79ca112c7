// Package benchcmp compares autodiff with PyTorch on the lecture's
// benchmarks B1–B3 (shared/LECTURE.md §3). It has no API: run.sh runs the Go
// benchmarks of autodiff and of this package's tests, runs the same
// workloads in PyTorch (compare.py, torch_workloads.py), and prints one
// table of medians with the ratios against the targets:
//
//	autodiff/benchcmp/run.sh           # the full comparison, about 4 minutes
//	autodiff/benchcmp/run.sh --quick   # fewer samples
//
// The tests here add the benchmark the core package does not have:
// BenchmarkChainMemory, the live heap at the end of a chain of N scalar
// operations in forward mode (JVP) and in reverse mode, for N = 1e4, 1e5
// and 1e6, which shows forward mode's memory staying flat while reverse
// mode's grows with N.
package benchcmp
