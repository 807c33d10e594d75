#!/usr/bin/env bash
# Mesh vs monolith: the AppHost's two hosting modes of the same service binaries, measured in one session
# through the REST edge. For each mode (mesh first, then monolith; `--modes mesh,monolith,mesh` adds a second
# mesh run to show the noise) it starts the AppHost with a fresh data directory and reports: time to `Ready:`,
# resident memory of the service processes, then per route req/s, p50/p99 latency and CPU seconds of the
# service processes per 1,000 requests; finally monolith / mesh ratios. Results and how to read them:
# docs/benchmarks/modes.md.
#
# Usage: eng/bench-modes.sh [--modes mesh,monolith] [--seconds 10] [--warmup 2] [--concurrency 16]
#                           [--idle-seconds 3] [--gc as-built|workstation|server]
# The defaults take about 2.5 minutes. Arguments go to benchmarks/ECommerce.Hosting.Benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bench-modes: $*" >&2; exit 1; }

command -v dotnet >/dev/null || fail "dotnet is missing (install the .NET SDK named in global.json)"
# PostgreSQL, Redis and util-linux's setpriv, which the AppHost starts; installs nothing when all is present.
./eng/setup.sh >&2

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "bench-modes: building benchmarks/ECommerce.Hosting.Benchmarks (Release; builds the AppHost, every service and the monolith host)" >&2
dotnet build benchmarks/ECommerce.Hosting.Benchmarks -c Release -nologo -v quiet >"$log" 2>&1 ||
  { cat "$log" >&2; fail "build failed"; }

exec dotnet benchmarks/ECommerce.Hosting.Benchmarks/bin/Release/net10.0/ECommerce.Hosting.Benchmarks.dll "$@"
