package conformance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// python is the interpreter that has Debian's Jupyter packages.
const python = "/usr/bin/python3"

// requirePython fails the test (in CI) or skips it (elsewhere) when the
// Jupyter Python packages the suite needs are not installed.
func requirePython(t *testing.T, modules ...string) {
	t.Helper()
	args := []string{"-c", "import " + strings.Join(modules, ", ")}
	if out, err := exec.Command(python, args...).CombinedOutput(); err != nil {
		msg := "Python modules " + strings.Join(modules, ", ") + " not installed under " + python +
			" (apt-get install python3-jupyter-client python3-jupyter-kernel-test): " + string(out)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// installKernel builds gradbook and installs its kernelspec under a
// temporary prefix; it returns the environment that makes Jupyter find it.
func installKernel(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "gradbook")
	build := exec.Command("go", "build", "-o", bin, "github.com/gradbook/gradbook/kernel/cmd/gradbook")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "share", "jupyter")
	env := append(os.Environ(), "JUPYTER_DATA_DIR="+data, "JUPYTER_PATH="+data)
	install := exec.Command(bin, "install")
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("gradbook install: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(data, "kernels", "gradbook", "kernel.json")); err != nil {
		t.Fatalf("kernelspec not installed: %v", err)
	}
	return env
}

// TestJupyterKernelTest runs jupyter_kernel_test's KernelTests with the Go
// samples of test_gradbook.py. Every test must pass and none may be skipped.
func TestJupyterKernelTest(t *testing.T) {
	requirePython(t, "jupyter_client", "jupyter_kernel_test")
	env := installKernel(t)
	cmd := exec.Command(python, "-m", "unittest", "-v", "test_gradbook")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	report := string(out)
	if err != nil {
		t.Fatalf("jupyter_kernel_test failed: %v\n%s", err, report)
	}
	if strings.Contains(report, "skipped") {
		t.Errorf("jupyter_kernel_test skipped tests (a sample is missing):\n%s", report)
	}
	t.Logf("\n%s", report)
}
