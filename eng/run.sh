#!/usr/bin/env bash
# The project's run command (README): installs what is missing, builds the AppHost and every service
# it starts (one build), then runs the whole mesh in the foreground. Arguments go to the AppHost,
# e.g. ./eng/run.sh --dashboard-port 0 --data-dir /tmp/ecommerce. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=Debug
dotnet build ECommerce.AppHost -c "$configuration" -nologo -clp:ErrorsOnly -v:quiet

# exec: the AppHost itself receives Ctrl+C and SIGTERM, and stops the mesh in order.
exec dotnet "ECommerce.AppHost/bin/$configuration/net10.0/ECommerce.AppHost.dll" "$@"
