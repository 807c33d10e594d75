#!/usr/bin/env bash
# The project's run command (README): installs what is missing, builds the AppHost and every service it
# starts (one build), then runs the whole mesh in the foreground under .NET Aspire (DCP and the Aspire
# Dashboard). Arguments go to the AppHost, e.g. ./eng/run.sh --mode monolith, or
# ./eng/run.sh --AppHost:DataDirectory /tmp/ecommerce. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
./eng/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=Debug
dotnet build ECommerce.AppHost -c "$configuration" -nologo -clp:ErrorsOnly -v:quiet

# The dashboard and its OTLP receiver on loopback, plain HTTP (no development certificate here). The
# dashboard still asks for the log-in token the AppHost prints ("Dashboard: .../login?t=...").
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:18888}"
export ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL:-http://127.0.0.1:18889}"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://127.0.0.1:18887}"

# exec: the AppHost itself receives Ctrl+C and SIGTERM, and stops the mesh.
exec dotnet "ECommerce.AppHost/bin/$configuration/net10.0/ECommerce.AppHost.dll" "$@"
