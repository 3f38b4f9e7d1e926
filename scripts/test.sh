#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, Rust unit/integration/doc tests and the
# conformance vectors; then the Python package: builds it into a virtual environment, runs pytest
# (conformance vectors, property tests, README examples, the example notebook) and stubtest.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- CLI: headless Chromium for the HTML report test (crates/ragstatus-cli/tests/html.rs) ------
# Installed from Debian's packages where apt-get is available and no browser is present yet;
# without one the HTML test reports that it skipped (and fails under CI=true).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
            >/dev/null || echo "note: could not install chromium; the HTML report test will skip" >&2
    fi
fi
# --- end CLI block ------------------------------------------------------------------------------

# --- Spark: a Java runtime for pyspark (tests/python/test_distributed.py) -----------------------
# Debian's Java 17 where apt-get is available and no java is present; without one the Spark
# tests report that they skipped (and fail under CI=true).
if ! command -v java >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless) \
            >/dev/null || echo "note: could not install Java; the Spark tests will skip" >&2
    fi
fi
# --- end Spark block ----------------------------------------------------------------------------

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

# --- Python -------------------------------------------------------------------------------------
# A virtual environment in .venv, reused when present. PYTHON picks the interpreter (3.9+).
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
VENV_PY="$PWD/.venv/bin/python"
"$VENV_PY" -m pip install --quiet --upgrade pip
"$VENV_PY" -m pip install --quiet -r requirements-dev.txt

# Build and install the package with `pip install .`, as a user would from a clone (debug
# profile: compiling in release would double the build time of the test command on a small
# machine; the benchmark builds with --release, see benches/README.md). Not editable: the tests
# run against the installed package, so a file missing from the wheel fails them.
VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev --locked" \
    "$VENV_PY" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall .

# pytest exits 5 when it collected no test: that is a failure here, like any other non-zero code.
"$VENV_PY" -m pytest tests/python -q -p no:cacheprovider

# The stubs in _ragstatus.pyi must match the compiled module, and the package must type-check
# against them (mypy --strict, configured in pyproject.toml).
"$VENV_PY" -m mypy.stubtest ragstatus._ragstatus --mypy-config-file pyproject.toml
"$VENV_PY" -m mypy --config-file pyproject.toml

# --- Fuzzing smoke run --------------------------------------------------------------------------
# Every cargo-fuzz target in fuzz/ for a short seeded run on the stable toolchain (installs
# cargo-fuzz when missing). The long runs and their figures are in fuzz/README.md.
./scripts/fuzz.sh --smoke
# The fuzz targets are code too: the same lints as the workspace.
(cd fuzz && cargo clippy --all-targets --locked -- -D warnings)
