#!/usr/bin/env bash
# Runs the main job on the bundled example data: the quarterly performance report of a fictional
# county council (examples/council-q3), printed to the terminal. Extra arguments are passed on,
# e.g. `./scripts/report.sh --format html --output q3.html`.
set -euo pipefail
cd "$(dirname "$0")/.."
example=examples/council-q3
cargo run --quiet --release -p ragstatus-cli -- report \
    --title "Wealdshire County Council: Quarterly Performance Report" \
    --definitions "$example/indicators.toml" \
    --actuals "$example/actuals.csv" \
    --budget "$example/budget.csv" --budget-unit thousands \
    --budget-settings "$example/budget-settings.toml" \
    --milestones "$example/milestones.csv" \
    --overrides "$example/overrides.csv" \
    --comparators "$example/comparators.csv" \
    --period "2015/16 Q3" \
    "$@"
