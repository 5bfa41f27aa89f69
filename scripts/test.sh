#!/usr/bin/env bash
# Runs every MeshMind test: unit, in-process HTTP, real processes, and the browser tests (dotnet test),
# then the web UI's unit tests (Vitest, in ui/).
# On Debian it first installs what the tests need and the machine lacks (Chromium for the UI tests,
# iproute2, curl and nftables for the network-namespace tests, systemd-analyze for the service unit), so it works on a fresh machine with the .NET SDK and Node.js.
# Ends with one line "N passed, N failed[, N skipped]" counted from the TRX results and Vitest's JUnit report.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v curl >/dev/null 2>&1 || need+=(curl)
# nft for the firewall helper's namespace test, systemd-analyze to check the generated systemd unit where systemd is not running.
{ command -v nft || [ -x /usr/sbin/nft ]; } >/dev/null 2>&1 || need+=(nftables)
{ command -v systemd-analyze || [ -x /usr/bin/systemd-analyze ]; } >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "scripts/test.sh: needs root (or sudo) to install: ${need[*]}" >&2; exit 1
  fi
  echo "scripts/test.sh: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v node >/dev/null 2>&1 || { echo "scripts/test.sh: Node.js is required to build the web UI" >&2; exit 1; }

results="$PWD/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
export MESHMIND_ARTIFACTS="$results"       # screenshots from the browser tests
export MESHMIND_REQUIRE_BROWSER=1          # a missing browser fails the browser tests instead of skipping them
if [ "$(id -u)" = 0 ]; then
  export MESHMIND_REQUIRE_NETNS=1          # as root (CI), the network-namespace tests must run, not skip
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

set +e
dotnet test MeshMind.slnx -c Release --logger "trx" --results-directory "$results"
dotnet_status=$?
set -e

# The UI's unit tests. The .NET build has normally run `npm ci` in ui/ already; on a fresh clone whose
# build failed first, or after package-lock.json changed, install here (same stamp file as the build's).
vitest_report="$results/vitest-junit.xml"
set +e
(
  cd ui
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund && touch node_modules/.package-lock.json || exit $?
  fi
  npm test -- --reporter=default --reporter=junit --outputFile.junit="$vitest_report"
)
vitest_status=$?
set -e
status=$dotnet_status
if [ "$status" -eq 0 ]; then status=$vitest_status; fi

passed=0; failed=0; skipped=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done
if [ ${#trx_files[@]} -eq 0 ] && [ "$dotnet_status" -ne 0 ]; then
  failed=$((failed + 1))   # the build or the test host failed before any result was written
fi

# Vitest's JUnit report: one <testsuite tests= failures= errors= skipped=> per test file.
vitest_failed=0
if [ -f "$vitest_report" ]; then
  while read -r suite; do
    attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$suite"; }
    tests=$(attr tests); failures=$(attr failures); errors=$(attr errors); skips=$(attr skipped)
    tests=${tests:-0}; failures=${failures:-0}; errors=${errors:-0}; skips=${skips:-0}
    passed=$((passed + tests - failures - errors - skips))
    vitest_failed=$((vitest_failed + failures + errors))
    skipped=$((skipped + skips))
  done < <(grep -o '<testsuite [^>]*>' "$vitest_report")
fi
if [ "$vitest_status" -ne 0 ] && [ "$vitest_failed" -eq 0 ]; then
  vitest_failed=1   # Vitest failed outside any test (install, config, an unhandled error): count it
fi
failed=$((failed + vitest_failed))

echo "Screenshots, TRX and JUnit results: $results"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
