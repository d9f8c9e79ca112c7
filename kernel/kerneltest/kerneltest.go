// Package kerneltest builds and installs the real gradbook kernel for tests
// that drive it through Jupyter's own Python client (the conformance suite,
// the lesson notebooks). It is for tests only.
package kerneltest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	openSources()
	return filepath.Join(buildDir, "gradbook")
}

// openSources opens every source file of the module, so that go test's
// result cache depends on them (it records the files a test opens
// inside the module, by size and modification time). The test binaries
// that drive gradbook do not link most of its packages: without this a
// change to, say, the session would leave their cached passes standing.
func openSources() {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(self))) // kernel/kerneltest/kerneltest.go
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if (strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) || strings.HasSuffix(name, ".s") ||
			name == "go.mod" || name == "go.sum" || name == "kernel.json" {
			if f, err := os.Open(path); err == nil {
				f.Close()
			}
		}
		return nil
	})
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
