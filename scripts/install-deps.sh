#!/usr/bin/env bash
# Installs the Debian packages that building and testing runwatch need. Idempotent:
# does nothing when every package is already installed.
set -euo pipefail
packages=(
  g++ make cmake pkg-config python3-venv tzdata curl wrk openssl
  libyaml-cpp-dev prometheus-cpp-dev libcpp-httplib-dev nlohmann-json3-dev
  libspdlog-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libre2-dev
  prometheus  # promtool, run by the metrics tests on the exposition
)
# `make fuzz` only: clang and its libFuzzer and sanitizer runtimes.
[ "${1:-}" = fuzz ] && packages+=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
