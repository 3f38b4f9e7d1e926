#!/usr/bin/env bash
# Runs the main job on the bundled example data.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --example quarterly -p ragstatus
