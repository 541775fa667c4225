#!/usr/bin/env bash
# Renders every diagrams/*.dot to a PNG beside it with Graphviz (Debian package: graphviz).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null 2>&1; then
  echo "Graphviz 'dot' not found: install it (Debian/Ubuntu: apt-get install -y graphviz)" >&2
  exit 1
fi
for src in diagrams/*.dot; do
  out="${src%.dot}.png"
  dot -Tpng -Gdpi=110 "$src" -o "$out"
  echo "rendered $out"
done
