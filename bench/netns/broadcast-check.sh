#!/bin/bash
# Broadcast delivery on a lab-like bridge without MeshMind (issue 20's 50-node diagnosis): N namespaces on one bridge
# (10.214.0.0/24, inside the namespaces only), each running bench/netns/broadcast_node.py, which broadcasts a 400-byte
# datagram every second to 10.214.0.255:5999 and counts whom it heard. Run as root:
#   bench/netns/broadcast-check.sh 50 20     # 50 hosts, 20 s
set -euo pipefail
N=${1:-50}; DUR=${2:-20}
here=$(cd "$(dirname "$0")" && pwd); out=$(mktemp -d)
cleanup() { for i in $(seq 1 "$N"); do ip netns del "bxh$i" 2>/dev/null || true; done; ip netns del bxsw 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
ip netns add bxsw; ip -n bxsw link set lo up; ip -n bxsw link add br0 type bridge; ip -n bxsw link set br0 up
for i in $(seq 1 "$N"); do
  ip netns add "bxh$i"; ip -n "bxh$i" link set lo up
  ip link add "bxa$i" netns "bxh$i" type veth peer name "bxb$i" netns bxsw
  ip -n "bxh$i" link set "bxa$i" name eth0; ip -n "bxh$i" addr add "10.214.0.$((10 + i))/24" dev eth0; ip -n "bxh$i" link set eth0 up
  ip -n bxsw link set "bxb$i" master br0; ip -n bxsw link set "bxb$i" up
done
for i in $(seq 1 "$N"); do ip netns exec "bxh$i" python3 "$here/broadcast_node.py" "n$i" "$N" "$DUR" 10.214.0.255 >"$out/$i.txt" 2>&1 & done
wait
sort -k7 -n "$out"/*.txt | sed -n "1,3p;\$p"
awk '{heard += $9; nodes += $7; n++} END {printf "%d hosts: heard on average %.1f other hosts and %.0f datagrams each\n", n, nodes / n, heard / n}' "$out"/*.txt
