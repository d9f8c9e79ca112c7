// Package kernelspec installs gradbook's Jupyter kernelspec: a directory
// "gradbook" holding kernel.json (from the top-level template, with the
// binary's absolute path filled in) and logos, under the "kernels"
// directory of a Jupyter data directory. It does what
// `jupyter kernelspec install` does, without needing Jupyter.
//
// # Where
//
//	--user (default)  $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
//	                  ~/.local/share/jupyter (~/Library/Jupyter on macOS)
//	--sys-prefix      PREFIX/share/jupyter, where PREFIX is sys.prefix of
//	                  the Python that has Jupyter: $GRADBOOK_PYTHON, else
//	                  /usr/bin/python3, else python3 on PATH; /usr/local
//	                  when no Python answers
//	--prefix DIR      DIR/share/jupyter
//
// These are the directories jupyter_core searches (`jupyter --paths`), so
// `jupyter kernelspec list` shows the kernel afterwards.
package kernelspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Name is the kernelspec's directory name, what `jupyter --kernel` takes.
const Name = "gradbook"

// Placeholder is replaced in the template's argv by the binary's path.
const Placeholder = "{gradbook}"

// ErrNoPlaceholder is returned when a template's argv lacks Placeholder.
var ErrNoPlaceholder = errors.New("kernelspec: template argv has no " + Placeholder)

// Scope says which Jupyter data directory to install into.
type Scope int

// The scopes of `gradbook install`.
const (
	User      Scope = iota // the user's data directory
	SysPrefix              // sys.prefix of Jupyter's Python
	Prefix                 // an explicit prefix
)

// Options says what to install where.
type Options struct {
	Scope  Scope
	Prefix string // for Prefix
	Binary string // absolute path of the gradbook binary
	// Template is the kernel.json template (gradbook.KernelSpec).
	Template []byte
	// Python overrides the Python asked for sys.prefix (SysPrefix).
	Python string
}

// Render returns kernel.json: template with every argv element equal to
// Placeholder replaced by binary.
func Render(template []byte, binary string) ([]byte, error) {
	var spec map[string]any
	if err := json.Unmarshal(template, &spec); err != nil {
		return nil, fmt.Errorf("kernelspec: parse template: %w", err)
	}
	argv, _ := spec["argv"].([]any)
	found := false
	for i, a := range argv {
		if a == Placeholder {
			argv[i] = binary
			found = true
		}
	}
	if !found {
		return nil, ErrNoPlaceholder
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("kernelspec: encode kernel.json: %w", err)
	}
	return append(out, '\n'), nil
}

// DataDir returns the Jupyter data directory for opts.
func DataDir(opts Options) (string, error) {
	switch opts.Scope {
	case User:
		if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
			return filepath.Abs(d)
		}
		if runtime.GOOS == "darwin" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("kernelspec: %w", err)
			}
			return filepath.Join(home, "Library", "Jupyter"), nil
		}
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "jupyter"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("kernelspec: %w", err)
		}
		return filepath.Join(home, ".local", "share", "jupyter"), nil
	case SysPrefix:
		return filepath.Join(sysPrefix(opts.Python), "share", "jupyter"), nil
	case Prefix:
		if opts.Prefix == "" {
			return "", errors.New("kernelspec: --prefix needs a directory")
		}
		p, err := filepath.Abs(opts.Prefix)
		if err != nil {
			return "", fmt.Errorf("kernelspec: %w", err)
		}
		return filepath.Join(p, "share", "jupyter"), nil
	}
	return "", fmt.Errorf("kernelspec: unknown scope %d", opts.Scope)
}

// sysPrefix asks Jupyter's Python for sys.prefix; /usr/local when no
// Python answers.
func sysPrefix(python string) string {
	candidates := []string{python, os.Getenv("GRADBOOK_PYTHON"), "/usr/bin/python3", "python3"}
	for _, py := range candidates {
		if py == "" {
			continue
		}
		out, err := exec.Command(py, "-c", "import sys; print(sys.prefix)").Output()
		if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
			return p
		}
	}
	return "/usr/local"
}

// Install writes the kernelspec directory and returns its path. Running it
// again overwrites the same files.
func Install(opts Options) (string, error) {
	if !filepath.IsAbs(opts.Binary) {
		return "", fmt.Errorf("kernelspec: binary path %q is not absolute", opts.Binary)
	}
	spec, err := Render(opts.Template, opts.Binary)
	if err != nil {
		return "", err
	}
	data, err := DataDir(opts)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(data, "kernels", Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kernelspec: %w", err)
	}
	files := map[string][]byte{"kernel.json": spec, "logo-svg.svg": []byte(logoSVG)}
	for _, size := range []int{32, 64} {
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = logoPNG(size)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("kernelspec: %w", err)
		}
	}
	return dir, nil
}

// The logo: a white nabla (∇, the gradient) on Go's blue.
var (
	goBlue = color.RGBA{0x00, 0xad, 0xd8, 0xff}
	white  = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="10" fill="#00add8"/>
<path d="M12 16 H52 L32 52 Z" fill="none" stroke="#fff" stroke-width="6" stroke-linejoin="round"/>
</svg>
`

// logoPNG draws the logo at size×size pixels.
func logoPNG(size int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	s := float64(size) / 64
	// The triangle (12,16) (52,16) (32,52), scaled; the stroke is the band
	// between it and an inset copy.
	outer := [3][2]float64{{12 * s, 16 * s}, {52 * s, 16 * s}, {32 * s, 52 * s}}
	inner := [3][2]float64{{21 * s, 21 * s}, {43 * s, 21 * s}, {32 * s, 41 * s}}
	for y := range size {
		for x := range size {
			px, py := float64(x)+0.5, float64(y)+0.5
			c := goBlue
			if inTriangle(outer, px, py) && !inTriangle(inner, px, py) {
				c = white
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to a bytes.Buffer cannot fail
	return buf.Bytes()
}

func inTriangle(t [3][2]float64, x, y float64) bool {
	side := func(a, b [2]float64) float64 {
		return (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
	}
	d1, d2, d3 := side(t[0], t[1]), side(t[1], t[2]), side(t[2], t[0])
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}
