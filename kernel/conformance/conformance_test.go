package conformance

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/gradbook/gradbook/kernel/kerneltest"
)

// TestJupyterKernelTest runs jupyter_kernel_test's KernelTests with the Go
// samples of test_gradbook.py. Every test must pass and none may be skipped.
func TestJupyterKernelTest(t *testing.T) {
	kerneltest.RequirePython(t, "jupyter_client", "jupyter_kernel_test")
	env := kerneltest.Install(t)
	cmd := exec.Command(kerneltest.Python, "-m", "unittest", "-v", "test_gradbook")
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
