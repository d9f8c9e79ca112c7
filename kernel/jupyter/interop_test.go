package jupyter_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// debianPython is the Python that has Debian's jupyter_client and
// jupyter_kernel_test (not the pyenv python3 that may come first on PATH).
const debianPython = "/usr/bin/python3"

// TestJupyterClientInterop serves the kernel to jupyter_client (pyzmq on
// libzmq), checking every message against jupyter_kernel_test's schemas.
func TestJupyterClientInterop(t *testing.T) {
	t.Parallel()
	if err := exec.Command(debianPython, "-c", "import jupyter_client, jupyter_kernel_test").Run(); err != nil {
		t.Skipf("%s cannot import jupyter_client and jupyter_kernel_test: %v", debianPython, err)
	}
	tk := startKernel(t)
	tk.stopped = true // the script shuts the kernel down
	out, err := exec.Command(debianPython, "testdata/interop.py", tk.path).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "OK") {
		t.Fatalf("interop.py: %v\n%s\nkernel log:\n%s", err, out, tk.log.String())
	}
	select {
	case err := <-tk.served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("Serve did not return after the script's shutdown_request")
	}
}
