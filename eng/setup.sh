#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine, and does nothing
# when it is all present. Both README commands call it; nobody needs to run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the infrastructure (PostgreSQL, Redis), independent protocol peers the
# tests use (kcat for Kafka, python3-grpcio for gRPC, h2load for load), and chromium for
# browser tests.
debian_packages=(
  postgresql postgresql-contrib redis-server kcat
  python3-grpcio python3-protobuf nghttp2-client chromium util-linux
)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm tools (grpc-js, proto-loader, buf), pinned by eng/node/package-lock.json. Not `npm ci`: the
# lock holds buf's native package for Linux only, and `npm ci` refuses a lock without every
# platform's optional package; `npm install --no-save` installs exactly the locked versions.
if [ ! -f eng/node/node_modules/.package-lock.json ] || [ eng/node/package-lock.json -nt eng/node/node_modules/.package-lock.json ]; then
  echo "setup: installing npm tools into eng/node"
  (cd eng/node && npm install --no-save --no-fund --no-audit --loglevel=error)
fi

# .NET tools pinned in .config/dotnet-tools.json (dotnet-ef, for Orders' EF Core migrations).
if ! dotnet tool run dotnet-ef --version >/dev/null 2>&1; then
  echo "setup: restoring .NET tools (.config/dotnet-tools.json)"
  dotnet tool restore >/dev/null
fi
