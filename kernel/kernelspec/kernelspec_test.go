package kernelspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gradbook/gradbook"
)

func TestRender(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		template string
		want     []string // argv
		err      error
	}{
		{"top-level template", string(gradbook.KernelSpec), []string{"/opt/gb/gradbook", "kernel", "{connection_file}"}, nil},
		{"no placeholder", `{"argv":["x","{connection_file}"]}`, nil, ErrNoPlaceholder},
		{"no argv", `{"display_name":"x"}`, nil, ErrNoPlaceholder},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := Render([]byte(c.template), "/opt/gb/gradbook")
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var spec struct {
				Argv          []string `json:"argv"`
				DisplayName   string   `json:"display_name"`
				Language      string   `json:"language"`
				InterruptMode string   `json:"interrupt_mode"`
			}
			if err := json.Unmarshal(out, &spec); err != nil {
				t.Fatal(err)
			}
			if strings.Join(spec.Argv, " ") != strings.Join(c.want, " ") {
				t.Errorf("argv %q, want %q", spec.Argv, c.want)
			}
			if spec.DisplayName != "Go (gradbook)" || spec.Language != "go" || spec.InterruptMode != "message" {
				t.Errorf("spec %+v", spec)
			}
		})
	}
}

func TestRenderBadJSON(t *testing.T) {
	t.Parallel()
	if _, err := Render([]byte("{"), "/x"); err == nil {
		t.Fatal("no error for a broken template")
	}
}

// TestInstall installs with each scope into temporary directories (this
// test sets environment variables, so it does not run in parallel).
func TestInstall(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	t.Setenv("JUPYTER_DATA_DIR", data)
	t.Setenv("XDG_DATA_HOME", filepath.Join(tmp, "xdg"))
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	fakePython := filepath.Join(tmp, "python")
	if err := os.WriteFile(fakePython, []byte("#!/bin/sh\necho "+filepath.Join(tmp, "venv")+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := "/opt/gb/gradbook"
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"user with JUPYTER_DATA_DIR", Options{Scope: User}, filepath.Join(data, "kernels", "gradbook")},
		{"prefix", Options{Scope: Prefix, Prefix: filepath.Join(tmp, "pfx")}, filepath.Join(tmp, "pfx", "share", "jupyter", "kernels", "gradbook")},
		{"sys-prefix", Options{Scope: SysPrefix, Python: fakePython}, filepath.Join(tmp, "venv", "share", "jupyter", "kernels", "gradbook")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Binary, c.opts.Template = bin, gradbook.KernelSpec
			for range 2 { // idempotent
				dir, err := Install(c.opts)
				if err != nil {
					t.Fatal(err)
				}
				if dir != c.want {
					t.Fatalf("installed in %s, want %s", dir, c.want)
				}
			}
			b, err := os.ReadFile(filepath.Join(c.want, "kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(`"`+bin+`"`)) {
				t.Errorf("kernel.json does not name the binary:\n%s", b)
			}
			for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
				f, err := os.Open(filepath.Join(c.want, logo))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(f)
				f.Close()
				if err != nil {
					t.Fatalf("%s: %v", logo, err)
				}
				if !strings.Contains(logo, "-"+strconv.Itoa(img.Bounds().Dx())+"x") {
					t.Errorf("%s is %v", logo, img.Bounds())
				}
			}
		})
	}

	t.Run("user without JUPYTER_DATA_DIR", func(t *testing.T) {
		t.Setenv("JUPYTER_DATA_DIR", "")
		d, err := DataDir(Options{Scope: User})
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(tmp, "xdg", "jupyter"); d != want {
			t.Errorf("DataDir = %s, want %s", d, want)
		}
		t.Setenv("XDG_DATA_HOME", "")
		d, _ = DataDir(Options{Scope: User})
		if want := filepath.Join(tmp, "home", ".local", "share", "jupyter"); d != want {
			t.Errorf("DataDir = %s, want %s", d, want)
		}
	})
	t.Run("relative binary", func(t *testing.T) {
		if _, err := Install(Options{Binary: "gradbook", Template: gradbook.KernelSpec}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("jupyter kernelspec list", func(t *testing.T) {
		const py = "/usr/bin/python3"
		if err := exec.Command(py, "-c", "import jupyter_client").Run(); err != nil {
			t.Skipf("jupyter_client is not installed under %s: %v", py, err)
		}
		out, err := exec.Command(py, "-m", "jupyter_client.kernelspecapp", "list", "--json").Output()
		if err != nil {
			t.Fatalf("kernelspec list: %v", err)
		}
		var list struct {
			Kernelspecs map[string]struct {
				ResourceDir string `json:"resource_dir"`
			} `json:"kernelspecs"`
		}
		if err := json.Unmarshal(out, &list); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got := list.Kernelspecs["gradbook"].ResourceDir; got != filepath.Join(data, "kernels", "gradbook") {
			t.Fatalf("jupyter finds gradbook in %q; list: %s", got, out)
		}
	})
}
