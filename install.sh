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
go build -o "$bin_dir/gradbook.new" ./kernel/cmd/gradbook
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
