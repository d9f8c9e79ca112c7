// Package kerneltest builds and installs the real gradbook kernel for tests
// that drive it through Jupyter's own Python client (the conformance suite,
// the lesson notebooks). It is for tests only.
package kerneltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Python is the interpreter that has Debian's Jupyter packages
// (python3-jupyter-client, python3-nbclient, python3-jupyter-kernel-test).
// The `python3` first on PATH may be another Python without them.
const Python = "/usr/bin/python3"

// RequirePython fails the test when the named Python modules are missing
// under Python and the CI environment variable is set, and skips it
// otherwise, naming the Debian packages to install.
func RequirePython(t testing.TB, modules ...string) {
	t.Helper()
	args := []string{"-c", "import " + strings.Join(modules, ", ")}
	if out, err := exec.Command(Python, args...).CombinedOutput(); err != nil {
		msg := "Python modules " + strings.Join(modules, ", ") + " not installed under " + Python +
			" (apt-get install python3-jupyter-client python3-nbclient python3-jupyter-kernel-test): " +
			strings.TrimSpace(string(out))
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildOut  []byte
)

// Binary builds the gradbook command once per test process, without cgo
// as install.sh does, and returns the path of the binary.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gradbook-test-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "gradbook"),
			"github.com/gradbook/gradbook/kernel/cmd/gradbook")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as install.sh builds it
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build gradbook: %v\n%s", buildErr, buildOut)
	}
	return filepath.Join(buildDir, "gradbook")
}

// Install builds gradbook, installs its kernelspec into a temporary Jupyter
// data directory and returns the environment (os.Environ plus
// JUPYTER_DATA_DIR and JUPYTER_PATH) under which Jupyter finds it as
// kernel "gradbook".
func Install(t testing.TB) []string {
	t.Helper()
	bin := Binary(t)
	data := filepath.Join(t.TempDir(), "share", "jupyter")
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
