#!/usr/bin/env bash
# Smoke test of a published node executable (the Native AOT build above all, whose trimmed code paths the test suite,
# which runs the JIT build, never executes), on loopback only:
#   scripts/aot-smoke.sh artifacts/release/meshmind-0.1.0-linux-x64
# Starts the fake Ollama (tests/MeshMind.FakeOllama) and the node on 127.0.0.1 with discovery off and a fresh data
# directory, then goes through what a person and a program do: the web UI, login, status, models, a chat through each of
# the three chat APIs (streamed too), an API key, a file upload and download, a PDF whose extracted text reaches the LLM,
# /metrics, a restart that keeps the data, the `config` command and the served API document (a release build leaves
# `meshmind openapi`'s generator out and says so).
# Ends with one line "N passed, N failed"; exits non-zero when a check failed.
# It is a script, not part of the test suite: a Native AOT publish takes minutes, too long for every CI run.
set -euo pipefail
bin=${1:?usage: scripts/aot-smoke.sh PATH/TO/meshmind}
bin=$(realpath "$bin")
cd "$(dirname "$0")/.."

[ -x "$bin" ] || { echo "aot-smoke: $bin is not an executable" >&2; exit 2; }
command -v curl >/dev/null || { echo "aot-smoke: curl is required" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d /tmp/meshmind-smoke-XXXXXX)
# An arm64 binary on an x64 machine runs through qemu user emulation (packages qemu-user-static and libssl3:arm64).
if [ "$(uname -m)" = x86_64 ] && [ "$(od -An -tx1 -j18 -N2 "$bin" | tr -d ' \n')" = b700 ]; then
  command -v qemu-aarch64-static >/dev/null || { echo "aot-smoke: $bin is arm64: install qemu-user-static" >&2; exit 2; }
  printf '#!/bin/sh\nexec qemu-aarch64-static "%s" "$@"\n' "$bin" >"$work/meshmind-arm64"
  chmod +x "$work/meshmind-arm64"
  bin=$work/meshmind-arm64
fi
pids=()
cleanup() {
  # KILL: the fake Ollama stops its server on SIGTERM but not its process; the node's clean stop is a check of its own.
  exec 2>/dev/null  # no "Killed" notices from the shell
  for pid in "${pids[@]}"; do kill -KILL "$pid" || true; done
  wait || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0; failed=0
check() { # check NAME COMMAND...: runs COMMAND, counts and prints the outcome
  local name=$1; shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; sed 's/^/      /' "$work/check.out" | head -20
  fi
}
contains() { grep -qF -- "$2" "$1" || { echo "expected '$2' in:"; head -c 2000 "$1"; echo; return 1; }; }
wait_for_line() { # wait_for_line FILE PATTERN PID: prints the first line matching PATTERN, or fails when PID exits or after 30 s
  for _ in $(seq 300); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "aot-smoke: process exited:" >&2; cat "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "aot-smoke: timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

# A one-page PDF with one line of text (Helvetica), written here so the script needs no tool to make it.
write_pdf() {
  local text=$1 out=$2 body="" offsets=() obj
  local objects=(
    "<< /Type /Catalog /Pages 2 0 R >>"
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    ""
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
  )
  local stream="BT /F1 12 Tf 40 700 Td ($text) Tj ET"
  objects[3]="<< /Length ${#stream} >>
stream
$stream
endstream"
  body="%PDF-1.4"$'\n'
  for i in "${!objects[@]}"; do
    offsets+=("${#body}")
    body+="$((i + 1)) 0 obj"$'\n'"${objects[$i]}"$'\n'"endobj"$'\n'
  done
  local xref=${#body}
  body+="xref"$'\n'"0 $(( ${#objects[@]} + 1 ))"$'\n'"0000000000 65535 f "$'\n'
  for obj in "${offsets[@]}"; do body+=$(printf '%010d 00000 n ' "$obj")$'\n'; done
  body+="trailer"$'\n'"<< /Size $(( ${#objects[@]} + 1 )) /Root 1 0 R >>"$'\n'"startxref"$'\n'"$xref"$'\n'"%%EOF"$'\n'
  printf '%s' "$body" >"$out"
}
export LC_ALL=C  # byte offsets in write_pdf

# The fake Ollama, on a port of its own choosing.
fake_dll=tests/MeshMind.FakeOllama/bin/Release/net10.0/MeshMind.FakeOllama.dll
[ -f "$fake_dll" ] || dotnet build tests/MeshMind.FakeOllama -c Release -v q -nologo >/dev/null
dotnet "$fake_dll" --port 0 --address 127.0.0.1 >"$work/fake.log" 2>&1 &
pids+=($!)
fake_url=$(wait_for_line "$work/fake.log" 'listening on' "$!" | grep -oE 'http://127\.0\.0\.1:[0-9]+')

password="smoke-test-password-$RANDOM"
start_node() {
  NODE_PASSWORD=$password "$bin" run --name smoke-a --data-dir "$work/data" --http-port 0 --http-bind 127.0.0.1 --mesh-port 0 \
    --mesh-bind 127.0.0.1 --discovery off --ollama-url "$fake_url" >"$work/node.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  local line
  line=$(wait_for_line "$work/node.log" 'listening on' "$node_pid")
  base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' <<<"$line" | head -1)
  mesh_port=$(grep -oE 'mesh port [0-9]+' <<<"$line" | grep -oE '[0-9]+$')
}
start_node
echo "aot-smoke: $bin at $base, fake Ollama at $fake_url"

jar=$work/cookies
api() { # api METHOD PATH [curl args...]: writes the body to $work/body, prints the status code
  local method=$1 path=$2; shift 2
  curl -sS -o "$work/body" -w '%{http_code}' -X "$method" -b "$jar" -c "$jar" -H "Origin: $base" "$@" "$base$path"
}
status_is() { local want=$1; shift; local got; got=$(api "$@"); [ "$got" = "$want" ] || { echo "HTTP $got, expected $want:"; cat "$work/body"; echo; return 1; }; }

get_contains() { # get_contains PATH EXPECTED...: a 200 whose body holds every EXPECTED
  local path=$1; shift
  status_is 200 GET "$path" || return 1
  for expected in "$@"; do contains "$work/body" "$expected" || return 1; done
}
login() {
  status_is 200 POST /api/auth/login -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}"
}
check "GET /healthz is 200" status_is 200 GET /healthz
check "the web UI is served at /app/" get_contains /app/ '<div id="root">'
ui_gzip() { # the UI is embedded compressed: a browser gets gzip, and the script it names unpacks to JavaScript
  local script
  status_is 200 GET /app/ || return 1
  script=$(grep -oE '/app/assets/[^"]+\.js' "$work/body" | head -1)
  [ -n "$script" ] || { echo "no script in index.html"; return 1; }
  curl -sS -D "$work/headers" -H 'Accept-Encoding: gzip' -o "$work/script.gz" "$base$script" || return 1
  grep -qi '^content-encoding: gzip' "$work/headers" || { echo "not gzip:"; cat "$work/headers"; return 1; }
  gzip -dc "$work/script.gz" >"$work/script.js" || { echo "the script does not unpack"; return 1; }
  grep -qE 'import|function|const' "$work/script.js" || { echo "the unpacked script is not JavaScript"; return 1; }
}
check "the web UI's scripts are sent gzip-compressed" ui_gzip
check "/api/status needs a login" status_is 401 GET /api/status
check "login with NODE_PASSWORD" login
check "GET /api/status" get_contains /api/status '"node_id"' '"version"'

models_listed() {
  for _ in $(seq 100); do
    api GET /api/models >/dev/null && grep -qF 'llama3:latest' "$work/body" && return 0
    sleep 0.1
  done
  echo "the fake Ollama's models never appeared:"; cat "$work/body"; return 1
}
check "the local LLM's models are listed" models_listed

post_contains() { # post_contains PATH JSON EXPECTED...: a 200 whose body holds every EXPECTED
  local path=$1 json=$2; shift 2
  status_is 200 POST "$path" -H 'Content-Type: application/json' -d "$json" || return 1
  for expected in "$@"; do contains "$work/body" "$expected" || return 1; done
}
check "chat (MeshMind API)" post_contains /api/chat '{"message":"hello from the smoke test"}' \
  'Echo from llama3:latest: hello from the smoke test'
check "chat, streamed (NDJSON)" post_contains /api/chat '{"message":"stream please","stream":true}' '"type":"token"' '"type":"done"'
check "chat (Ollama API)" post_contains /api/chat \
  '{"model":"phi3:mini","stream":false,"messages":[{"role":"user","content":"as ollama"}]}' 'Echo from phi3:mini: as ollama'
check "chat (OpenAI API)" post_contains /v1/chat/completions \
  '{"model":"llama3:latest","messages":[{"role":"user","content":"as openai"}]}' 'Echo from llama3:latest: as openai'

create_key() {
  status_is 201 POST /api/keys -H 'Content-Type: application/json' -d '{"name":"smoke"}' || return 1
  local key got
  key=$(grep -oE '"key":"[^"]+"' "$work/body" | cut -d'"' -f4)
  [ -n "$key" ] || { echo "no key in the answer:"; cat "$work/body"; return 1; }
  got=$(curl -sS -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $key" "$base/api/status")
  [ "$got" = 200 ] || { echo "GET /api/status with the key: HTTP $got"; return 1; }
}
check "an API key authenticates a program" create_key

head -c 300000 /dev/urandom >"$work/random.bin"
upload_download() {
  status_is 201 POST /api/upload -F "file=@$work/random.bin;filename=random.bin" || return 1
  status_is 200 GET /api/files/random.bin || return 1
  cmp "$work/random.bin" "$work/body"
}
check "upload and download a file (300 KB, same bytes)" upload_download

write_pdf "Quarterly revenue rose by 12 percent" "$work/report.pdf"
pdf_chat() {
  status_is 201 POST /api/upload -F "file=@$work/report.pdf;filename=report.pdf;type=application/pdf" || return 1
  post_contains /api/chat '{"message":"summarise","filename":"report.pdf"}' '(PDF, text extracted)' 'Quarterly revenue rose by 12 percent'
}
check "a PDF's text reaches the LLM" pdf_chat
check "the file list names both files" get_contains /api/files 'random.bin' 'report.pdf'
check "generate (Ollama API)" post_contains /api/generate '{"model":"llama3:latest","prompt":"generated","stream":false}' \
  'Echo from llama3:latest: generated'

# Every other endpoint's JSON once: under trimming a type without source-generated metadata fails only when it is written.
every_get() {
  local path
  for path in /api/discovery /peers /api/peers /api/version /api/tags /api/ps /api/local /api/conversations /api/auth/status \
    /api/keys /ollama /ollama/api/version /ollama/api/tags /ollama/api/ps /v1/models /api/analytics/perf /api/analytics/chat \
    /api/analytics/files /api/analytics/engagement /api/analytics/network; do
    status_is 200 GET "$path" || { echo "($path)"; return 1; }
  done
}
check "every other GET endpoint answers 200" every_get
conversation() {
  local id
  post_contains /api/chat '{"message":"remember this"}' '"conversation_id"' || return 1
  id=$(grep -oE '"conversation_id":"[^"]+"' "$work/body" | cut -d'"' -f4)
  get_contains "/api/conversations/$id" 'remember this'
}
check "a chat's conversation is stored and read back" conversation
pin_unpin() {
  status_is 200 POST /api/files/report.pdf/pin || return 1
  status_is 200 DELETE /api/files/report.pdf/pin
}
check "pin and unpin a file" pin_unpin

# A second node B, without an LLM of its own, joins A over the mesh (mutual TLS, the link protocol) with A's secret:
# B's chats are answered by A's LLM, and B fetches A's file.
mkdir -p "$work/data-b"
cp "$work/data/p2p_secret.txt" "$work/data-b/"
NODE_PASSWORD=$password "$bin" run --name smoke-b --data-dir "$work/data-b" --http-port 0 --http-bind 127.0.0.1 --mesh-port 0 \
  --mesh-bind 127.0.0.1 --discovery off --peer "127.0.0.1:$mesh_port" --ollama-url http://127.0.0.1:9 >"$work/node-b.log" 2>&1 &
pids+=($!)
base_b=$(wait_for_line "$work/node-b.log" 'listening on' "$!" | grep -oE 'http://127\.0\.0\.1:[0-9]+' | head -1)
on_b() { local base=$base_b jar=$work/cookies-b; "$@"; }
linked_with_llm() {
  for _ in $(seq 100); do
    api GET /api/peers >/dev/null && grep -qF '"name":"smoke-a"' "$work/body" && grep -qF '"link_state":"up"' "$work/body" \
      && grep -qF 'llama3:latest' "$work/body" && return 0
    sleep 0.1
  done
  echo "B never linked to A with its model:"; cat "$work/body"; echo; return 1
}
peer_file() {
  local node_a
  node_a=$(grep -oE '"node_id":"[0-9a-f]+"' "$work/body" | head -1 | cut -d'"' -f4)
  status_is 200 GET "/api/peers/$node_a/files/random.bin" || return 1
  cmp "$work/random.bin" "$work/body"
}
check "node B logs in" on_b login
check "node B links to A over the mesh and sees its model" on_b linked_with_llm
check "node B downloads A's file over the mesh" on_b peer_file
check "node B's chat is answered by A's LLM" on_b post_contains /api/chat '{"message":"from b"}' 'Echo from llama3:latest: from b' '"name":"smoke-a"'
peer_conversations() {
  local node_a
  status_is 200 GET /api/peers || return 1
  node_a=$(grep -oE '"node_id":"[0-9a-f]+"' "$work/body" | head -1 | cut -d'"' -f4)
  for _ in $(seq 100); do
    api GET "/api/peers/$node_a/conversations" >/dev/null && grep -qF 'remember this' "$work/body" && break
    sleep 0.1
  done
  contains "$work/body" 'remember this' || return 1
  status_is 204 POST "/api/peers/$node_a/revoke" || return 1
  status_is 204 DELETE "/api/peers/$node_a/revocation"
}
check "node B reads A's conversations, revokes A and undoes it" on_b peer_conversations
check "delete a file" status_is 204 DELETE /api/files/report.pdf
check "/metrics (OpenTelemetry, Prometheus format)" get_contains /metrics 'dotnet_gc_collections' 'meshmind_'

restart_keeps_data() {
  kill -TERM "$node_pid"
  local code=0
  wait "$node_pid" || code=$?
  [ "$code" = 0 ] || { echo "the node exited with $code after SIGTERM"; tail -5 "$work/node.log"; return 1; }
  start_node
  rm -f "$jar"
  login || return 1
  status_is 200 GET /api/files/random.bin || return 1
  cmp "$work/random.bin" "$work/body"
}
check "a clean stop (SIGTERM, exit 0) and a restart that keeps the files" restart_keeps_data

config_command() {
  (cd "$work" && NODE_PASSWORD=x-config-password "$bin" config >config.json) || return 1
  contains "$work/config.json" '"Mesh"' && ! grep -qF x-config-password "$work/config.json"
}
check "meshmind config (secrets masked)" config_command
served_openapi() { status_is 200 GET /openapi/v1.json && diff ui/src/api/openapi.json "$work/body" | head -20 && cmp -s ui/src/api/openapi.json "$work/body"; }
check "the node serves ui/src/api/openapi.json at /openapi/v1.json" served_openapi
openapi_command() { # the release leaves the OpenAPI generator out: one clear line and exit 2
  local code=0
  "$bin" openapi -o "$work/openapi.json" 2>"$work/openapi.err" || code=$?
  [ "$code" = 2 ] && grep -qF 'dotnet run --project src/MeshMind -- openapi' "$work/openapi.err" && [ ! -e "$work/openapi.json" ] \
    || { echo "exit $code:"; cat "$work/openapi.err"; return 1; }
}
check "meshmind openapi says how to generate the document (not in a release build)" openapi_command

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
