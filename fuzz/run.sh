#!/bin/sh
# Run villageplan's fuzz targets one at a time (see docs/reliability.md, "Fuzzing").
#
#   fuzz/run.sh [SECONDS] [TARGET...]      default: 600 s each, every target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); runs on stable through
# RUSTC_BOOTSTRAP=1. New inputs go to fuzz/corpus-work/<target> (not committed), seeded from the
# committed fuzz/corpus/<target>; crashes go to fuzz/artifacts/<target>. Runs at low priority.
set -eu
cd "$(dirname "$0")"
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"csv geojson orlib plan_json scenario_json standard_json"}
for t in $targets; do
    mkdir -p "corpus-work/$t" "artifacts/$t"
    case $t in
        csv | orlib) dict= ;;
        *) dict=-dict=dict/json.dict ;;
    esac
    echo "== $t: $seconds s"
    RUSTC_BOOTSTRAP=1 nice -n 10 cargo fuzz run "$t" "corpus-work/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len=16384 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 $dict || echo "== $t: stopped with a finding (see artifacts/$t)"
done
