#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, Rust unit/integration/doc tests and the
# conformance vectors.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
