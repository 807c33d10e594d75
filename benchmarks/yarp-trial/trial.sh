#!/usr/bin/env bash
# The YARP trial (docs/gateway.md): the REST edge as it is (services/Gateway transcoding to gRPC) against
# YARP in front of a Users service that transcodes its own REST (Microsoft.AspNetCore.Grpc.JsonTranscoding),
# measured in one session: req/s and CPU seconds per request of edge + Users, alternating, two rounds.
#
# Needs the mesh running (./eng/run.sh in another terminal): it borrows its PostgreSQL and Kafka by copying
# the environment of the running Users and Gateway processes, then starts four processes of its own
# (Release builds) on 127.0.0.1:47101-47105 and stops them at the end.
# Usage: benchmarks/yarp-trial/trial.sh [seconds=15] [concurrency=16] [path=/v1/auth/jwks]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15}; conc=${2:-16}; path=${3:-/v1/auth/jwks}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

for project in services/Gateway services/Users benchmarks/yarp-trial/Edge benchmarks/yarp-trial/UsersRest; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
done
environment_of() { # the running mesh's variables of a service, without its endpoints and telemetry
  local pid
  pid=$(pgrep -f "services/$1/bin/.*/ECommerce.$1.dll" | head -1) || { echo "trial: no running $1 (start ./eng/run.sh first)" >&2; exit 1; }
  tr '\0' '\n' </proc/"$pid"/environ | grep -E '^(ConnectionStrings|Kafka|Users|Gateway)__' || true
}
mapfile -t users_env < <(environment_of Users)
mapfile -t gateway_env < <(environment_of Gateway)
start() {
  env -i PATH="$PATH" HOME="$HOME" DOTNET_ENVIRONMENT=Development Logging__LogLevel__Default=Warning "$@" >>"$work/log" 2>&1 &
  pids+=($!)
}
start "${users_env[@]}" Kestrel__Endpoints__grpc__Url=http://127.0.0.1:47101 Kestrel__Endpoints__grpc__Protocols=Http2 \
  dotnet services/Users/bin/Release/net10.0/ECommerce.Users.dll
users_a=${pids[-1]}
start "${users_env[@]}" Kestrel__Endpoints__grpc__Url=http://127.0.0.1:47102 Kestrel__Endpoints__grpc__Protocols=Http2 \
  dotnet benchmarks/yarp-trial/UsersRest/bin/Release/net10.0/ECommerce.YarpTrial.UsersRest.dll
users_b=${pids[-1]}
# The edge's per-client limit (300 per 10 s) would answer 429 to a load generator; lifted as the trial's edge lifts its own.
start "${gateway_env[@]}" Kestrel__Endpoints__grpc__Url=http://127.0.0.1:47103 Kestrel__Endpoints__grpc__Protocols=Http2 \
  Kestrel__Endpoints__http__Url=http://127.0.0.1:47104 Kestrel__Endpoints__http__Protocols=Http1 \
  services__users__grpc__0=http://127.0.0.1:47101 Gateway__RateLimiting__PerClient__PermitLimit=100000000 \
  dotnet services/Gateway/bin/Release/net10.0/ECommerce.Gateway.dll
gateway=${pids[-1]}
start ASPNETCORE_URLS=http://127.0.0.1:47105 services__users__grpc__0=http://127.0.0.1:47102 \
  dotnet benchmarks/yarp-trial/Edge/bin/Release/net10.0/ECommerce.YarpTrial.Edge.dll
yarp=${pids[-1]}
for port in 47104 47105; do
  for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port$path" >/dev/null && break; sleep 1; done
done

ticks() { local total=0 fields; for pid in "$@"; do read -r -a fields < <(cut -d' ' -f14,15 /proc/"$pid"/stat); total=$((total + fields[0] + fields[1])); done; echo "$total"; }
run() { # label url pids...
  local label=$1 url=$2; shift 2
  h2load --h1 -c "$conc" -D 5 "$url" >/dev/null 2>&1   # warm-up (JIT, connection pools)
  local before after out done rps
  before=$(ticks "$@")
  out=$(h2load --h1 -c "$conc" -D "$secs" "$url")
  after=$(ticks "$@")
  done=$(grep -oE '[0-9]+ succeeded' <<<"$out" | grep -oE '[0-9]+')
  rps=$(grep -oE '[0-9.]+ req/s' <<<"$out" | head -1)
  awk -v l="$label" -v d="$done" -v r="$rps" -v c=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "| %s | %s | %d | %.3f |\n", l, r, d, c / hz * 1000 / d }'
}
echo "| Edge → Users, GET $path, $conc connections, ${secs} s | req/s | requests | CPU ms per request (edge + Users) |"
echo "|---|---:|---:|---:|"
for _ in 1 2; do
  run "Gateway (descriptor-driven transcoder) → gRPC" "http://127.0.0.1:47104$path" "$gateway" "$users_a"
  run "YARP → Users' own JsonTranscoding (h2c)" "http://127.0.0.1:47105$path" "$yarp" "$users_b"
done
