#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (see fuzz/README.md).
#
#   ./scripts/fuzz.sh                 every target for 60 s each
#   ./scripts/fuzz.sh --time 600 budget_csv
#   ./scripts/fuzz.sh --runs 10000000 period_label
#   ./scripts/fuzz.sh --smoke         every target for a short, seeded run (the test command)
#
# The stable toolchain works with `--sanitizer none` (the default here); set
# FUZZ_SANITIZER=address to run under AddressSanitizer with a nightly toolchain where one is
# installed. Each target's corpus starts from seeds taken from the examples and test data, in
# fuzz/corpus/TARGET (not committed); crashes land in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."

time_s=60
runs=""
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) time_s="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --smoke) runs="${FUZZ_SMOKE_RUNS:-20000}"; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --quiet
fi

sanitizer="${FUZZ_SANITIZER:-none}"
toolchain=()
if [ "$sanitizer" != "none" ]; then
    toolchain=(+nightly)
fi

if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

# Seeds: the files a person would feed each reader, from the examples and the test data. Targets
# whose input starts with an option byte (a fiscal start month, an amount unit) get it prefixed.
seed() {
    local target="$1" prefix="$2"
    shift 2
    local dir="fuzz/corpus/$target"
    mkdir -p "$dir"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        { printf '%b' "$prefix"; cat "$f"; } > "$dir/seed-$(basename "$f")"
    done
}
shopt -s nullglob
seed definitions_toml "" examples/*/*.toml crates/*/tests/data/*.toml
seed definitions_json "" crates/*/tests/data/*.json
seed budget_csv '\x01' examples/*/budget*.csv crates/*/tests/data/budget*.csv
seed milestones_csv "" examples/*/milestones*.csv crates/*/tests/data/milestones*.csv
seed actuals_csv "" examples/*/actuals*.csv crates/*/tests/data/*.csv
seed overrides_csv "" examples/*/overrides*.csv
seed comparators_csv "" examples/*/comparators*.csv
mkdir -p fuzz/corpus/number
i=0
for text in '\x0044.1' '\x001,842' '\x00-3' '\x004.41e1' '\x00.5' '\x01-1.4%' '\x01(1.4%)' \
    '\x02\xc2\xa346,267' '\x02(443)' '\x03\xc2\xa31.2m' '\x04-\xc2\xa3450k' \
    '\x000.0000000000000000000000000001' '\x0079228162514264337593543950335'; do
    printf '%b' "$text" > "fuzz/corpus/number/seed-$i"
    i=$((i + 1))
done
mkdir -p fuzz/corpus/period_label
i=0
for label in "2015/16 Q3" "Q3 2015/16" "2015/16" "2015-16 H1" "2015/16 M12" "Dec 2015" \
    "December 2015" "2015 Q1" "Q4 2015" "FY2015/16" "2015/16 Quarter 3"; do
    printf '\x03%s' "$label" > "fuzz/corpus/period_label/seed-$i"
    i=$((i + 1))
done

for target in "${targets[@]}"; do
    echo "== $target"
    # The frame targets build their input from the bytes and start from an empty corpus.
    mkdir -p "fuzz/corpus/$target"
    args=(-seed=1)
    if [ -n "$runs" ]; then
        args+=(-runs="$runs")
    else
        args+=(-max_total_time="$time_s")
    fi
    cargo "${toolchain[@]}" fuzz run --fuzz-dir fuzz --sanitizer "$sanitizer" "$target" \
        "fuzz/corpus/$target" -- "${args[@]}" -print_final_stats=1
done
