#!/usr/bin/env bash
# Build gradbook and install it as a Jupyter kernel ("Go (gradbook)").
#
#   ./install.sh                  binary in ~/.local/bin, kernelspec for this user
#   ./install.sh --sys-prefix     kernelspec into sys.prefix of Jupyter's Python
#   ./install.sh --prefix DIR     kernelspec into DIR/share/jupyter
#
# GRADBOOK_BIN_DIR overrides where the binary goes. Needs only Go; Jupyter
# does not have to be installed. Running it again rebuilds and reinstalls.
set -euo pipefail
cd "$(dirname "$0")"

bin_dir="${GRADBOOK_BIN_DIR:-$HOME/.local/bin}"
mkdir -p "$bin_dir"
echo "install.sh: building gradbook (the first build compiles yaegi's standard library symbols: about a minute)"
# Without cgo: a static binary, and one whose grading sandbox can confine
# file reads on every thread (Landlock, see kernel/worker).
CGO_ENABLED=0 go build -o "$bin_dir/gradbook.new" ./kernel/cmd/gradbook
mv -f "$bin_dir/gradbook.new" "$bin_dir/gradbook"
echo "install.sh: binary $bin_dir/gradbook ($("$bin_dir/gradbook" version))"

scope=("$@")
[ ${#scope[@]} -gt 0 ] || scope=(--user)
"$bin_dir/gradbook" install "${scope[@]}"

case ":$PATH:" in
*":$bin_dir:"*) ;;
*) echo "install.sh: note: $bin_dir is not on PATH (Jupyter does not need it; the kernelspec names the binary's full path)" ;;
esac
if command -v jupyter >/dev/null 2>&1; then
	echo "install.sh: jupyter kernelspec list:"
	jupyter kernelspec list | sed 's/^/  /'
fi

# Show a lesson running, when Jupyter's nbconvert is there to run it.
lesson=lessons/00-go-in-notebooks.ipynb
if command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1; then
	out=$(mktemp -d)
	echo "install.sh: running $lesson in the gradbook kernel (jupyter nbconvert --execute):"
	if jupyter nbconvert --to notebook --execute --allow-errors --output-dir "$out" "$lesson" >/dev/null 2>&1; then
		/usr/bin/python3 - "$out/$(basename "$lesson")" <<'PY' || true
import json, sys
nb = json.load(open(sys.argv[1]))
for cell in nb["cells"]:
    if cell["cell_type"] != "code":
        continue
    src = "".join(cell["source"]).splitlines()
    print("  In : " + (src[0] + (" …" if len(src) > 1 else "") if src else ""))
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            text = "".join(o["text"]).rstrip("\n")
        elif o["output_type"] == "error":
            text = o["ename"] + ": " + o["evalue"]
        else:
            text = "".join(o.get("data", {}).get("text/plain", "")).rstrip("\n")
        for line in text.splitlines()[:6]:
            print("  Out: " + line)
PY
	else
		echo "install.sh: the lesson did not run; try: jupyter nbconvert --to notebook --execute $lesson"
	fi
	rm -rf "$out"
else
	echo "install.sh: install Jupyter (apt-get install jupyter-nbconvert python3-nbclient) to run the lessons"
fi
