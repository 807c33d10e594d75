#!/usr/bin/env bash
# Unary gRPC benchmark: requests/second and p50/p99 latency under h2load for our server (also as
# services run it, and with callers that accept gzip), a bare Kestrel HTTP/2 endpoint returning the
# same bytes (the ceiling), a grpc-js server and a Python grpcio server; then our client's
# calls/second against our server. Everything runs on this machine over 127.0.0.1, in one session,
# with identical load; each figure is the median of interleaved rounds. Results and how to read
# them: docs/benchmarks/grpc.md.
#
# Usage: eng/bench-grpc.sh
# Knobs (environment): BENCH_ROUNDS (3), BENCH_SECONDS (6, per measured run),
#   BENCH_WARMUP_SECONDS (2, before each run), BENCH_CONNECTIONS (4), BENCH_STREAMS (16 per
#   connection), BENCH_CLIENT_CONCURRENCY (64), BENCH_MAX_JIT_WARMUP_SECONDS (30, for each
#   .NET process to finish compiling), BENCH_GRPCIO_WORKERS (one per core).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${BENCH_ROUNDS:-3}
seconds=${BENCH_SECONDS:-6}
warmup=${BENCH_WARMUP_SECONDS:-2}
connections=${BENCH_CONNECTIONS:-4}
streams=${BENCH_STREAMS:-16}
client_concurrency=${BENCH_CLIENT_CONCURRENCY:-64}
max_jit_warmup=${BENCH_MAX_JIT_WARMUP_SECONDS:-30}
grpcio_workers=${BENCH_GRPCIO_WORKERS:-$(nproc)}
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

servers=(ours service kestrel grpc-js grpcio)
declare -A label=(
  [ours]="our server (AddECommerceGrpc on grpc-dotnet)"
  [service]="our server as services run it (AddServiceDefaults: OpenTelemetry on, nothing exported)"
  [ours-gzip]="our server (AddECommerceGrpc), caller accepts gzip as grpc-dotnet clients do"
  [kestrel]="bare Kestrel HTTP/2 (the ceiling)"
  [grpc-js]="grpc-js $(node -p "require('$node_modules/@grpc/grpc-js/package.json').version") (Node $(node --version))"
  [grpcio]="grpcio $("$python" -c 'import grpc; print(grpc.__version__)') (Python $("$python" -c 'import platform; print(platform.python_version())'), $grpcio_workers worker threads)"
  [client]="our client (AddECommerceGrpcClient) against our server, $client_concurrency concurrent calls"
  [h2load-one-connection]="h2load -c 1 -m $client_concurrency against our server, accepting gzip (baseline)"
)
declare -A port pid
start_server() {
  local server=$1
  port[$server]=$(free_port)
  case $server in
    ours) exec "${bench[@]}" serve-grpc --port "${port[$server]}" ;;
    service) exec "${bench[@]}" serve-service --port "${port[$server]}" ;;
    kestrel) exec "${bench[@]}" serve-kestrel --port "${port[$server]}" ;;
    grpc-js) NODE_PATH=$node_modules exec node benchmarks/peers/grpc-js-server.js --port "${port[$server]}" --fixtures "$work" ;;
    grpcio) exec "$python" benchmarks/peers/grpcio-server.py --port "${port[$server]}" --fixtures "$work" --workers "$grpcio_workers" ;;
  esac >"$work/$server.server.log" 2>&1 &
  pid[$server]=$!
  pids+=($!)
}

url() { echo "http://127.0.0.1:${port[$1]}"; }

# Every h2load run sends the same framed request with the same gRPC headers; h2load judges
# success by HTTP status only, which is why every server passed `check` first.
h2load_request=(-d "$work/request.grpc" -H 'content-type: application/grpc' -H 'te: trailers')
# What a grpc-dotnet client (ours included) advertises; our server then gzips its responses.
accept_gzip=(-H 'grpc-accept-encoding: identity,gzip,deflate')

clock_ticks=$(getconf CLK_TCK)
# CPU time (user + system, in clock ticks) a process has used so far, all its threads included.
process_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  read -r -a fields <<<"${stat##*) }" # fields after "pid (name) ": utime and stime are the 12th and 13th
  echo $((fields[11] + fields[12]))
}
# Sets children_ms to the CPU time this shell's finished children have used so far. It must
# not run in a subshell: `times` there would report the subshell's own children.
children_cpu() {
  times >"$work/times"
  children_ms=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); ms += (t[1] * 60 + t[2]) * 1000 } print int(ms) }' "$work/times")
}

# h2load_run <server> <connections> <streams per connection> [more h2load options]: warms up,
# then measures; sets result to "req/s p50_ms p99_ms server_cpu_us_per_request h2load_cpu_us_per_request".
h2load_run() {
  local server=$1 c=$2 m=$3 log=$work/h2load.log out rps ticks caller_ms
  shift 3
  local run=(-c "$c" -m "$m" "${h2load_request[@]}" "$@")
  timeout $((warmup + 30)) h2load -D "$warmup" "${run[@]}" "$(url "$server")$method_path" >/dev/null ||
    fail "h2load warm-up against $server did not finish"
  rm -f "$log"
  ticks=$(process_ticks "${pid[$server]}")
  children_cpu
  caller_ms=$children_ms
  out=$(timeout $((seconds + 30)) h2load -D "$seconds" "${run[@]}" --log-file "$log" "$(url "$server")$method_path") ||
    fail "h2load against $server did not finish: $out"
  ticks=$(($(process_ticks "${pid[$server]}") - ticks))
  children_cpu
  caller_ms=$((children_ms - caller_ms))
  grep -Eq 'requests: .* 0 failed, 0 errored, 0 timeout' <<<"$out" || fail "h2load saw failed requests against $server: $out"
  rps=$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<<"$out")
  # The log has one line per request: start time, HTTP status, latency in microseconds.
  # Nearest-rank percentiles, the definition the client subcommand uses too.
  result=$(cut -f3 "$log" | sort -n | awk -v rps="$rps" -v ticks="$ticks" -v hz="$clock_ticks" -v caller_ms="$caller_ms" '
    { latency[NR] = $1 }
    END {
      if (NR == 0) { exit 1 }
      p50 = int(0.50 * NR); if (p50 < 0.50 * NR) p50++
      p99 = int(0.99 * NR); if (p99 < 0.99 * NR) p99++
      printf "%.0f %.3f %.3f %.1f %.1f\n", rps, latency[p50] / 1000, latency[p99] / 1000, ticks * 1e6 / hz / NR, caller_ms * 1000 / NR
    }') || fail "h2load against $server logged no requests"
  rm -f "$log"
}

# measure <row>: one measured run of a table row; sets result like h2load_run (the client
# reports its own CPU per call in the caller column and no server CPU).
measure() {
  case $1 in
    ours | service | kestrel | grpc-js | grpcio) h2load_run "$1" "$connections" "$streams" ;;
    ours-gzip) h2load_run ours "$connections" "$streams" "${accept_gzip[@]}" ;;
    # The client figure's baseline: the same calls in flight on one connection, as on one
    # GrpcChannel, with the same accept-encoding, against the same server.
    h2load-one-connection) h2load_run ours 1 "$client_concurrency" "${accept_gzip[@]}" ;;
    client)
      local out
      out=$(timeout $((seconds + max_jit_warmup + 30)) "${bench[@]}" client --target "$(url ours)" \
        --concurrency "$client_concurrency" --seconds "$seconds" --max-warmup-seconds "$max_jit_warmup") ||
        fail "client run failed: $out"
      result=$(sed -nE 's/.*calls_per_second=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) cpu_us_per_call=([0-9.]+).*/\1 \2 \3 - \4/p' <<<"$out")
      [ -n "$result" ] || fail "the client printed no figures: $out"
      ;;
  esac
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for server in "${servers[@]}"; do start_server "$server"; done
for server in "${servers[@]}"; do
  "${bench[@]}" check --target "$(url "$server")" --wait-seconds 30 >&2 ||
    { cat "$work/$server.server.log" >&2; fail "$server did not answer the fixture with grpc-status 0"; }
done

echo "bench-grpc: load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; h2load -c $connections -m $streams, ${warmup}s warm-up + ${seconds}s measured, $rounds rounds" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Load each server until it is warm before round 1. The .NET servers print "JIT settled" once
# tiered compilation has finished their hot path, which on a busy machine takes 3-25 s of load;
# ours gets plain and gzip-accepting calls at once so both paths are compiled.
warm_up_slice() { # <server> [more h2load options]
  local server=$1
  shift
  timeout 31 h2load -D 1 -c "$connections" -m "$streams" "${h2load_request[@]}" "$@" \
    "$(url "$server")$method_path" >/dev/null || fail "h2load warm-up against $server did not finish"
}
for server in "${servers[@]}"; do
  limit=4
  case $server in ours | service | kestrel) limit=$max_jit_warmup ;; esac
  for slice in $(seq 1 "$limit"); do
    if [ "$server" = ours ]; then
      warm_up_slice ours "${accept_gzip[@]}" &
      warm_up_slice ours
      wait $! || fail "h2load warm-up against ours did not finish"
    else
      warm_up_slice "$server"
    fi
    grep -q "JIT settled" "$work/$server.server.log" && break
  done
  echo "bench-grpc: warmed $server up for $slice s$(grep -q "JIT settled" "$work/$server.server.log" && echo ", JIT settled")" >&2
done

rows=(ours service ours-gzip kestrel grpc-js grpcio h2load-one-connection client)
results=$work/results # lines: round row req/s p50_ms p99_ms server_cpu_us caller_cpu_us
: >"$results"
for round in $(seq 1 "$rounds"); do
  # Rotate the order each round so no row always runs first or last.
  shift_by=$(((round - 1) % ${#rows[@]}))
  for row in "${rows[@]:$shift_by}" "${rows[@]:0:$shift_by}"; do
    measure "$row"
    echo "$round $row $result" >>"$results"
    read -r rps p50 p99 server_cpu caller_cpu <<<"$result"
    echo "bench-grpc: round $round $row: $rps/s, p50 $p50 ms, p99 $p99 ms, CPU µs per call: server $server_cpu, caller $caller_cpu (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median_of() { awk -v row="$1" -v field="$2" '$2 == row { print $field }' "$results" | median; }
# A row's req/s over its baseline's, paired within each round, then the median over rounds.
percent_of() {
  awk -v row="$1" -v base="$2" '$2 == row { r[$1] = $3 } $2 == base { b[$1] = $3 }
    END { for (k in r) print 100 * r[k] / b[k] }' "$results" | median
}
table_row() { # <row> <baseline row> <CPU field: 6 server, 7 caller>
  printf '| %s | %.0f | %.2f | %.2f | %.1f | %.0f%% |\n' "${label[$1]}" "$(median_of "$1" 3)" "$(median_of "$1" 4)" \
    "$(median_of "$1" 5)" "$(median_of "$1" "$3")" "$(percent_of "$1" "$2")"
}

echo
echo "| target | req/s | p50 ms | p99 ms | server CPU µs/req | vs bare Kestrel |"
echo "|---|---:|---:|---:|---:|---:|"
for row in ours kestrel grpc-js grpcio service ours-gzip; do table_row "$row" kestrel 6; done
echo
echo "Load: h2load -c $connections -m $streams ($((connections * streams)) requests in flight), ${warmup} s warm-up + ${seconds} s measured per run; median of $rounds interleaved rounds; the ratio is the median of per-round ratios. Server CPU is the server process's user + system time over the measured run divided by its requests; when other work shares the machine, req/s follows each server's share of the CPU, and server CPU per request is the steadier comparison."
echo
echo "| client figure | calls/s | p50 ms | p99 ms | caller CPU µs/call | vs h2load on one connection |"
echo "|---|---:|---:|---:|---:|---:|"
for row in client h2load-one-connection; do table_row "$row" h2load-one-connection 7; done
echo
echo "Machine: $(nproc) cores; servers and load generators share them, over 127.0.0.1. Load average (1, 5, 15 min): $load_before before, $load_after after."
echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), .NET $(dotnet --version), h2load $(h2load --version | sed -nE 's/.*nghttp2\/([0-9.]+).*/\1/p')."
