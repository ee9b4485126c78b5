# scripts/bench/wrk.sh: what the benchmarks share (sourced, not run): one wrk run
# measured into RPS/P50/P99, ratios, and the rows of `make bench`'s table.
# Settings: BENCH_THREADS [2], BENCH_DURATION [10s], BENCH_WARMUP [3s];
# BENCH_ROWS: a file the table's rows are appended to (scripts/bench/all sets it).
THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
declare -A RPS P50 P99
warnings=()

command -v wrk >/dev/null || die "wrk is needed (make deps installs it)"

to_ms() {   # wrk's "850.00us" / "1.23ms" / "1.02s" / "1.10m" -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000
                         if (v ~ /m$/) n *= 60000; printf "%.2f", n }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# wrk_measure KEY CONNECTIONS [--warm 'WRK ARGS'] WRK ARGS...: a warm-up run (the same
# arguments unless --warm gives others), then a measured run with --latency; its
# requests/s, p50 and p99 (ms) go to RPS[KEY], P50[KEY], P99[KEY], and non-2xx answers
# or socket errors to warnings
wrk_measure() {
  local key=$1 c=$2 out
  shift 2
  local -a warm
  if [ "$1" = --warm ]; then read -r -a warm <<<"$2"; shift 2; else warm=("$@"); fi
  wrk -t"$THREADS" -c"$c" -d"$WARMUP" "${warm[@]}" >/dev/null
  out=$(wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency "$@")
  RPS[$key]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  P50[$key]=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  P99[$key]=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
    warnings+=("$key: $(grep -e 'Non-2xx' -e 'Socket errors' <<<"$out" | tr -s ' ' | tr '\n' ' ')")
  fi
}

# bench_row BENCHMARK LOAD RESULT P50 P99 REFERENCE RATIO: one row of make bench's table
bench_row() {
  [ -n "${BENCH_ROWS:-}" ] || return 0
  local IFS=$'\t'
  echo "$*" >>"$BENCH_ROWS"
}

# measured_row BENCHMARK LOAD KEY REFERENCE_LABEL REFERENCE_KEY: a wrk run against its
# reference of the same run
measured_row() {
  bench_row "$1" "$2" "${RPS[$3]} req/s" "${P50[$3]}" "${P99[$3]}" \
    "$4: ${RPS[$5]} req/s" "$(ratio "${RPS[$3]}" "${RPS[$5]}")"
}

print_warnings() { local w; for w in "${warnings[@]}"; do echo "warning: $w"; done; }
