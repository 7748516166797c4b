#!/usr/bin/env bash
# The device table (issue 8): publish Kiln.DeviceBench as a trimmed, self-contained linux-x64 build (no .NET needed
# on the GPU machine), then, on a machine with an NVIDIA GPU, run parity (CUDA vs CPU, 3 steps) and per-step times
# of the two-layer net, the Fashion-MNIST MLP and the CNN at batch 128 and 1024.
#
#   bench/device/run.sh publish        # here: build out/device-bench (prints its size; must stay under 64 MiB)
#   bench/device/run.sh run [args]     # on the GPU machine, from the checkout root: runs the published build
#   bench/device/run.sh                # both
#
# Arguments after "run" go to Kiln.DeviceBench (default --device cuda --batches 128,1024 --steps 20). Without a GPU it
# exits 1 with a message naming the driver library it looked for (libcuda.so / libcuda.so.1).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/out/device-bench"

publish() {
  rm -rf "$out"
  dotnet publish "$root/bench/Kiln.DeviceBench/Kiln.DeviceBench.csproj" -c Release -r linux-x64 --self-contained true \
    -p:KilnTrim=true -o "$out"
  local bytes
  bytes=$(du -sb "$out" | cut -f1)
  echo "published $out: $((bytes / 1024 / 1024)) MiB"
  if [ "$bytes" -ge $((64 * 1024 * 1024)) ]; then echo "error: the published build is over 64 MiB" >&2; exit 1; fi
}

run() {
  "$out/Kiln.DeviceBench" "$@"
}

case "${1:-all}" in
  publish) publish ;;
  run) shift; run "$@" ;;
  all) publish; shift || true; run "$@" ;;
  *) echo "usage: $0 [publish|run [args]]" >&2; exit 2 ;;
esac
