// Package conformance runs Jupyter's official kernel conformance suite
// (jupyter_kernel_test, from Debian's python3-jupyter-kernel-test) against a
// freshly built gradbook kernel, installed into a temporary Jupyter data
// directory. The suite itself is test_gradbook.py; this package's Go test
// builds the binary, installs the kernelspec and runs the suite under
// /usr/bin/python3, so `go test ./...` covers it.
package conformance
