#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what is missing, builds with warnings as
# errors, starts one PostgreSQL and one Redis for the whole run, runs every test project, and ends
# with one line "Tests: N passed, N failed, N skipped". Skipped tests count as failures.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=Release
dotnet build ECommerce.sln -c "$configuration" -nologo -clp:ErrorsOnly

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Shared infrastructure: the host's servers die with it, and it dies with this script (pdeathsig),
# or when its stdin (our coprocess pipe) closes.
coproc INFRA { exec setpriv --pdeathsig=TERM dotnet "tests/ECommerce.Testing.InfrastructureHost/bin/$configuration/net10.0/ECommerce.Testing.InfrastructureHost.dll" 2>"$work/infra.err"; }
ready=no
while IFS= read -r line <&"${INFRA[0]}"; do
  if [ "$line" = READY ]; then ready=yes; break; fi
  export "${line?}"
done
if [ "$ready" != yes ]; then
  echo "test: the shared test infrastructure did not start:" >&2
  cat "$work/infra.err" >&2
  exit 1
fi
trap 'kill "$INFRA_PID" 2>/dev/null || true; wait "$INFRA_PID" 2>/dev/null || true; rm -rf "$work"' EXIT

# One test project at a time (-m:1): each still runs its own tests in parallel, and on two cores
# projects competing with each other only make every deadline (process start-up, leases) tighter.
set +e
dotnet test ECommerce.sln -c "$configuration" --no-build -nologo -m:1 \
  --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
# The end-to-end tests once more, against the same services hosted in one process (--mode monolith).
ECOMMERCE_APPHOST_MODE=monolith dotnet test tests/ECommerce.EndToEnd.Tests -c "$configuration" --no-build -nologo \
  --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee -a "$work/test.log"
monolith_status=${PIPESTATUS[0]}
[ "$status" -ne 0 ] || status=$monolith_status
set -e

summary=$(grep -E '^(Passed|Failed)!' "$work/test.log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {printf "%d %d %d", p, f, s}')
read -r passed failed skipped <<<"${summary:-0 0 0}"
# A test host that crashed or hung is aborted without a "Failed!" line: its tests count as one failure, and it is named.
aborted=$(grep -c '^Test Run Aborted' "$work/test.log" || true)
if [ "$aborted" -ne 0 ]; then
  echo "test: $aborted test run(s) aborted (a test host crashed or hung); see 'The active test run was aborted' above" >&2
  failed=$((failed + aborted))
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$skipped" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
