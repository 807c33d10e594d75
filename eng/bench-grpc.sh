#!/usr/bin/env bash
# Unary gRPC benchmark: requests/second and p50/p99 latency under h2load for our server, a bare
# Kestrel HTTP/2 endpoint returning the same bytes (the ceiling), a grpc-js server and a Python
# grpcio server; then our client's calls/second against our server. Everything runs on this
# machine over 127.0.0.1, in one session, with identical load; each figure is the median of
# interleaved rounds. Results and how to read them: docs/benchmarks/grpc.md.
#
# Usage: eng/bench-grpc.sh
# Knobs (environment): BENCH_ROUNDS (3), BENCH_SECONDS (8, per measured run),
#   BENCH_WARMUP_SECONDS (2, before each run), BENCH_CONNECTIONS (4), BENCH_STREAMS (16 per
#   connection), BENCH_CLIENT_CONCURRENCY (64), BENCH_GRPCIO_WORKERS (4).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${BENCH_ROUNDS:-3}
seconds=${BENCH_SECONDS:-8}
warmup=${BENCH_WARMUP_SECONDS:-2}
connections=${BENCH_CONNECTIONS:-4}
streams=${BENCH_STREAMS:-16}
client_concurrency=${BENCH_CLIENT_CONCURRENCY:-64}
grpcio_workers=${BENCH_GRPCIO_WORKERS:-4}
method_path=/ecommerce.bench.v1.ProductBench/GetProduct
node_modules=$PWD/eng/node/node_modules
python=/usr/bin/python3 # Debian's, which has python3-grpcio; not whichever python is first on PATH

fail() { echo "bench-grpc: $*" >&2; exit 1; }

command -v dotnet >/dev/null || fail "dotnet is missing (install the .NET SDK named in global.json)"
command -v h2load >/dev/null || fail "h2load is missing (Debian package nghttp2-client; eng/setup.sh installs it)"
command -v node >/dev/null || fail "node is missing (Debian package nodejs)"
[ -d "$node_modules/@grpc/grpc-js" ] && [ -d "$node_modules/@grpc/proto-loader" ] ||
  fail "@grpc/grpc-js or @grpc/proto-loader is missing from eng/node/node_modules (run eng/setup.sh)"
"$python" -c 'import grpc, google.protobuf' 2>/dev/null ||
  fail "$python cannot import grpc and protobuf (Debian packages python3-grpcio python3-protobuf; eng/setup.sh installs them)"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench-grpc: building benchmarks/ECommerce.Grpc.Benchmarks (Release)" >&2
dotnet build benchmarks/ECommerce.Grpc.Benchmarks -c Release -nologo -v quiet >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "build failed"; }
bench=(dotnet benchmarks/ECommerce.Grpc.Benchmarks/bin/Release/net10.0/ECommerce.Grpc.Benchmarks.dll)
"${bench[@]}" fixtures --out "$work" >&2

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Target name -> server command line (the port is appended as "--port N").
targets=(ours kestrel grpc-js grpcio)
declare -A label=(
  [ours]="ECommerce.Grpc (grpc-dotnet)"
  [kestrel]="bare Kestrel HTTP/2 (ceiling)"
  [grpc-js]="grpc-js $(node -p "require('$node_modules/@grpc/grpc-js/package.json').version") (Node $(node --version))"
  [grpcio]="grpcio $("$python" -c 'import grpc; print(grpc.__version__)') (Python, $grpcio_workers worker threads)"
)
declare -A port
start_server() {
  local target=$1
  port[$target]=$(free_port)
  case $target in
    ours) exec "${bench[@]}" serve-grpc --port "${port[$target]}" ;;
    kestrel) exec "${bench[@]}" serve-kestrel --port "${port[$target]}" ;;
    grpc-js) NODE_PATH=$node_modules exec node benchmarks/peers/grpc-js-server.js --port "${port[$target]}" --fixtures "$work" ;;
    grpcio) exec "$python" benchmarks/peers/grpcio-server.py --port "${port[$target]}" --fixtures "$work" --workers "$grpcio_workers" ;;
  esac >"$work/$target.server.log" 2>&1 &
  pids+=($!)
}

url() { echo "http://127.0.0.1:${port[$1]}"; }

# h2load_run <log file> <connections> <streams per connection> <target>: sets result to "req/s p50_ms p99_ms".
# h2load judges success by HTTP status only, which is why every target passed `check` first.
h2load_run() {
  local log=$1 c=$2 m=$3 target=$4 out
  rm -f "$log"
  out=$(timeout $((seconds + warmup + 30)) h2load -D "$seconds" --warm-up-time "$warmup" -c "$c" -m "$m" \
    -d "$work/request.grpc" -H 'content-type: application/grpc' -H 'te: trailers' \
    --log-file "$log" "$(url "$target")$method_path") || fail "h2load against $target did not finish: $out"
  grep -Eq 'requests: .* 0 failed, 0 errored, 0 timeout' <<<"$out" || fail "h2load saw failed requests against $target: $out"
  local rps
  rps=$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<<"$out")
  # The log has one line per request: start time, HTTP status, latency in microseconds.
  # Nearest-rank percentiles, the definition the client subcommand uses too.
  result=$(cut -f3 "$log" | sort -n | awk -v rps="$rps" '
    { latency[NR] = $1 }
    END {
      if (NR == 0) { exit 1 }
      p50 = int(0.50 * NR); if (p50 < 0.50 * NR) p50++
      p99 = int(0.99 * NR); if (p99 < 0.99 * NR) p99++
      printf "%.0f %.3f %.3f\n", rps, latency[p50] / 1000, latency[p99] / 1000
    }') || fail "h2load against $target logged no requests"
  rm -f "$log"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for target in "${targets[@]}"; do start_server "$target"; done
for target in "${targets[@]}"; do
  "${bench[@]}" check --target "$(url "$target")" --wait-seconds 30 >&2 ||
    { cat "$work/$target.server.log" >&2; fail "$target did not answer the fixture with grpc-status 0"; }
done

echo "bench-grpc: load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; h2load -c $connections -m $streams, ${warmup}s warm-up + ${seconds}s measured, $rounds rounds" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# One untimed pass first so the .NET servers' tiered JIT has settled before round 1.
for target in "${targets[@]}"; do
  timeout $((seconds + 30)) h2load -D "$seconds" -c "$connections" -m "$streams" -d "$work/request.grpc" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$(url "$target")$method_path" >/dev/null
done

results=$work/results # lines: round target rps p50 p99
: >"$results"
for round in $(seq 1 "$rounds"); do
  # Rotate the order each round so no target always runs first or last.
  order=("${targets[@]:$(((round - 1) % ${#targets[@]}))}" "${targets[@]:0:$(((round - 1) % ${#targets[@]}))}")
  for target in "${order[@]}"; do
    h2load_run "$work/h2load.log" "$connections" "$streams" "$target"
    read -r rps p50 p99 <<<"$result"
    echo "$round $target $rps $p50 $p99" >>"$results"
    echo "bench-grpc: round $round $target: $rps req/s, p50 $p50 ms, p99 $p99 ms" >&2
  done
  # The client figure and its baseline: h2load with the same 64 streams on one connection, as
  # one GrpcChannel uses, against the same server in the same round.
  h2load_run "$work/h2load.log" 1 "$client_concurrency" ours
  read -r rps p50 p99 <<<"$result"
  echo "$round h2load-1x$client_concurrency $rps $p50 $p99" >>"$results"
  out=$(timeout $((seconds + warmup + 30)) "${bench[@]}" client --target "$(url ours)" \
    --concurrency "$client_concurrency" --seconds "$seconds" --warmup-seconds "$warmup") ||
    fail "client run failed: $out"
  read -r rps p50 p99 <<<"$(sed -nE 's/.*calls_per_second=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*/\1 \2 \3/p' <<<"$out")"
  echo "$round client $rps $p50 $p99" >>"$results"
  echo "bench-grpc: round $round client: $rps calls/s, p50 $p50 ms, p99 $p99 ms (h2load 1x$client_concurrency: $(awk -v r="$round" '$1 == r && $2 ~ /^h2load/ { print $3 }' "$results") req/s)" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median_of() { awk -v t="$1" -v f="$2" '$2 == t { print $f }' "$results" | median; }
# Ratio of a target to its baseline, paired within each round, then the median over rounds.
ratio() {
  awk -v t="$1" -v b="$2" '$2 == t { r[$1] = $3 } $2 == b { base[$1] = $3 } END { for (k in r) printf "%.3f\n", r[k] / base[k] }' "$results" | median
}

echo
echo "| target | req/s | p50 ms | p99 ms | vs bare Kestrel |"
echo "|---|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  printf '| %s | %.0f | %.2f | %.2f | %.0f%% |\n' "${label[$target]}" "$(median_of "$target" 3)" "$(median_of "$target" 4)" \
    "$(median_of "$target" 5)" "$(awk -v r="$(ratio "$target" kestrel)" 'BEGIN { print r * 100 }')"
done
echo
echo "h2load -c $connections -m $streams (${connections} connections x ${streams} streams), ${warmup}s warm-up + ${seconds}s measured, median of $rounds interleaved rounds; ratio = median of per-round ratios."
echo
echo "| client figure (against our server) | calls/s | p50 ms | p99 ms | vs h2load, same server |"
echo "|---|---:|---:|---:|---:|"
printf '| ECommerce.Grpc client (GrpcChannel), %s concurrent calls | %.0f | %.2f | %.2f | %.0f%% |\n' "$client_concurrency" \
  "$(median_of client 3)" "$(median_of client 4)" "$(median_of client 5)" "$(awk -v r="$(ratio client "h2load-1x$client_concurrency")" 'BEGIN { print r * 100 }')"
printf '| h2load -c 1 -m %s (baseline) | %.0f | %.2f | %.2f | 100%% |\n' "$client_concurrency" \
  "$(median_of "h2load-1x$client_concurrency" 3)" "$(median_of "h2load-1x$client_concurrency" 4)" "$(median_of "h2load-1x$client_concurrency" 5)"
echo
echo "Machine: $(nproc) cores, servers and load generators on the same machine over 127.0.0.1; load average $load_before before, $load_after after."
