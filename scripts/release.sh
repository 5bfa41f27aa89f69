#!/usr/bin/env bash
# Builds the release binaries into artifacts/release/, one self-contained file per target with the web UI inside:
#   scripts/release.sh VERSION [TARGET...]      e.g. scripts/release.sh 0.2.0
# Targets (all by default):
#   linux-x64, linux-arm64   Native AOT: native code, SQLite linked in (Debian's libsqlite3.a), no .NET runtime needed;
#                            linux-arm64 is cross-compiled (clang, the aarch64 binutils and arm64 multiarch libraries)
#   win-x64, osx-arm64       trimmed, self-contained single file (ReadyToRun): Native AOT links with the target OS's
#                            own tools, so it cannot be made here; README.md ("Building a binary") says how to make
#                            those on Windows and on a Mac
# Beside each node it writes meshmind-lab-VERSION-TARGET, the optional program behind `meshmind lab`, `meshmind eval` and
# the Evaluate screen (a self-contained, compressed single file: it draws with SkiaSharp's native library, so it is
# neither trimmed nor AOT-compiled); a node finds it beside itself under that name or as meshmind-lab.
# Writes meshmind-VERSION-TARGET (.exe for Windows) and SHA256SUMS (`sha256sum -c SHA256SUMS` checks them), runs
# scripts/aot-smoke.sh on the Linux binaries this machine can run (linux-arm64 through qemu-aarch64-static when
# installed), and ends with a table of sizes.
# On Debian it first installs what the Linux targets need and the machine lacks (as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
  echo "usage: scripts/release.sh VERSION [linux-x64|linux-arm64|win-x64|osx-arm64]...   (VERSION like 1.2.3 or 1.2.3-rc.1)" >&2
  exit 2
fi
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux-x64 linux-arm64 win-x64 osx-arm64)
for target in "${targets[@]}"; do
  case $target in linux-x64|linux-arm64|win-x64|osx-arm64) ;; *) echo "release: unknown target $target" >&2; exit 2 ;; esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The native toolchain for Native AOT on Linux (https://aka.ms/nativeaot-prerequisites): clang as compiler and linker,
# llvm-objcopy to strip symbols, zlib, and SQLite as a static library; for arm64 the cross binutils, C runtime and the
# arm64 multiarch zlib and SQLite.
if [ "$(uname -s)" = Linux ]; then
  need=()
  command -v clang >/dev/null 2>&1 || need+=(clang)
  command -v llvm-objcopy >/dev/null 2>&1 || need+=(llvm)
  arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
  want_arm64=false
  for target in "${targets[@]}"; do
    case $target in
      linux-x64)
        [ "$arch" = amd64 ] || { echo "release: linux-x64 Native AOT is built on an amd64 Debian machine here" >&2; exit 2; }
        dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
        dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev) ;;
      linux-arm64)
        if [ "$arch" = arm64 ]; then
          dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
          dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
        else
          want_arm64=true
          command -v aarch64-linux-gnu-ld >/dev/null 2>&1 || need+=(binutils-aarch64-linux-gnu)
          dpkg -s gcc-aarch64-linux-gnu >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
          dpkg -s libc6-dev-arm64-cross >/dev/null 2>&1 || need+=(libc6-dev-arm64-cross)
          dpkg -s zlib1g-dev:arm64 >/dev/null 2>&1 || need+=(zlib1g-dev:arm64)
          dpkg -s libsqlite3-dev:arm64 >/dev/null 2>&1 || need+=(libsqlite3-dev:arm64)
        fi ;;
    esac
  done
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "release: needs root (or sudo) to install: ${need[*]}" >&2; exit 1
    fi
    echo "release: installing ${need[*]}"
    if $want_arm64 && ! dpkg --print-foreign-architectures | grep -qx arm64; then
      $sudo dpkg --add-architecture arm64
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

out=artifacts/release
staging=artifacts/release-staging
rm -rf "$out" "$staging"
mkdir -p "$out" "$staging"

for target in "${targets[@]}"; do
  case $target in
    linux-*) mode=(-p:PublishAot=true) ;;
    *) mode=(--self-contained -p:PublishSingleFile=true -p:PublishTrimmed=true) ;;
  esac
  echo "release: $target (${mode[*]})"
  start=$SECONDS
  dotnet publish src/MeshMind -c Release -r "$target" "${mode[@]}" -p:Version="$version" -o "$staging/$target" -nologo -v:minimal
  suffix=""; [[ $target == win-* ]] && suffix=.exe
  [ -f "$staging/$target/meshmind$suffix" ] || { echo "release: $target produced no meshmind$suffix" >&2; exit 1; }
  cp "$staging/$target/meshmind$suffix" "$out/meshmind-$version-$target$suffix"
  dotnet publish src/MeshMind.Lab -c Release -r "$target" --self-contained -p:PublishSingleFile=true \
    -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true -p:DebugType=none \
    -p:Version="$version" -o "$staging/lab-$target" -nologo -v:minimal
  [ -f "$staging/lab-$target/meshmind-lab$suffix" ] || { echo "release: $target produced no meshmind-lab$suffix" >&2; exit 1; }
  cp "$staging/lab-$target/meshmind-lab$suffix" "$out/meshmind-lab-$version-$target$suffix"
  echo "release: $target done in $((SECONDS - start)) s"
done
rm -rf "$staging"

(cd "$out" && sha256sum meshmind-* >SHA256SUMS)

# The smoke test on each Linux binary this machine can run; aot-smoke.sh runs an arm64 binary on x64 through qemu.
host=$(uname -m)
for target in "${targets[@]}"; do
  case "$target/$host" in
    linux-x64/x86_64 | linux-arm64/aarch64) ;;
    linux-arm64/x86_64)
      if ! command -v qemu-aarch64-static >/dev/null 2>&1 || [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
        echo "release: smoke test of $target skipped (apt-get install qemu-user-static libssl3:arm64 runs it here)"
        continue
      fi ;;
    *) continue ;;
  esac
  log="artifacts/smoke-$target.log"
  if scripts/aot-smoke.sh "$out/meshmind-$version-$target" >"$log" 2>&1; then
    echo "release: smoke test of $target: $(tail -n 1 "$log")"
  else
    cat "$log"; echo "release: smoke test of $target failed (log: $log)" >&2; exit 1
  fi
done

echo
printf '%-40s %12s %8s  %s\n' file bytes MB sha256
while read -r sum name; do
  bytes=$(stat -c %s "$out/$name")
  printf '%-40s %12d %8.1f  %s\n' "$name" "$bytes" "$(awk "BEGIN {print $bytes / 1000000}")" "${sum:0:16}…"
done <"$out/SHA256SUMS"
echo "release: $out/ (sha256sum -c SHA256SUMS in that folder checks the files)"
