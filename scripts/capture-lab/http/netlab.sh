# shellcheck shell=bash
# Network-namespace lab for the web UI / HTTP / TLS / provisioning captures (sourced by
# make-http-captures.sh). Same layout as the SIP lab but its own prefix (vwh-), user (vwhttp) and
# guard table, so both generators can run at the same time without touching each other.
#
# Every host is its own network namespace with one veth. LAN hosts hang on bridge br0, the
# "internet" hosts on br1, both inside the switch namespace vwh-sw; the router namespace joins
# the two and forwards without NAT (the phones are directly reachable from outside: the exposure
# the internet scenarios need). Nothing is connected to the host's own network stack, so no
# packet can leave the lab; an nftables guard in every namespace drops anything addressed outside
# the lab ranges, and one in the root namespace rejects anything the lab user sends to other than
# 127.0.0.0/8 or ::1.
#
#   LAN 10.20.0.0/16 (br0, capture point)             internet (br1)
#   prov 10.20.0.2  admin PC 10.20.0.5  phones 10.20.0.2x-4x --- router 10.20.0.1 | 203.0.113.1, 198.51.100.1
#                                                                 outside hosts 203.0.113.7, 198.51.100.23

LAB_PREFIX=vwh-
LAB_SW=${LAB_PREFIX}sw
LAB_USER=vwhttp

lab_ns() { echo "${LAB_PREFIX}$1"; }

# Runs a command inside host $1's namespace as the unprivileged lab user.
lab_run() {
  local host=$1; shift
  ip netns exec "$(lab_ns "$host")" setpriv --reuid="$LAB_USER" --regid="$LAB_USER" --clear-groups \
    env HOME="$LAB_WORK/home/$host" "$@"
}

# Same, in the background; prints the PID of the program (setpriv execs, so $! is the program).
lab_spawn() {
  local host=$1 log=$2; shift 2
  mkdir -p "$LAB_WORK/home/$host"; chown "$LAB_USER:" "$LAB_WORK/home/$host"
  lab_run "$host" "$@" </dev/null >"$log" 2>&1 &
  echo $!
}

lab_guard_ns() {
  ip netns exec "$1" nft -f - <<'NFT'
table inet vwh_guard {
  chain output {
    type filter hook output priority 0; policy drop;
    oifname "lo" accept
    ip daddr { 10.20.0.0/16, 203.0.113.0/24, 198.51.100.0/24, 127.0.0.0/8 } accept
    ether type arp accept
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ip daddr { 10.20.0.0/16, 203.0.113.0/24, 198.51.100.0/24 } accept
  }
}
NFT
}

lab_guard_root() {
  nft list table inet vwlab_http_guard >/dev/null 2>&1 && return 0
  local uid; uid=$(id -u "$LAB_USER")
  nft -f - <<NFT
table inet vwlab_http_guard {
  chain output {
    type filter hook output priority 0; policy accept;
    meta skuid $uid ip daddr != 127.0.0.0/8 reject
    meta skuid $uid ip6 daddr != ::1 reject
  }
}
NFT
}

lab_ns_common() {  # lab_ns_common NS
  local ns=$1
  # ip netns exec bind-mounts /etc/netns/<ns>/* over /etc: no resolver inside the lab
  mkdir -p "/etc/netns/$ns"
  printf '127.0.0.1 localhost\n' >"/etc/netns/$ns/hosts"
  echo 'nameserver 127.0.0.1' >"/etc/netns/$ns/resolv.conf"
  # ports 69/80/443 for the unprivileged lab user (per-namespace sysctl)
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
    net.ipv4.ip_unprivileged_port_start=0
  ip netns exec "$ns" ip link set lo up
}

# lab_host NAME BRIDGE MAC IP/PREFIX GATEWAY
lab_host() {
  local name=$1 br=$2 mac=$3 addr=$4 gw=$5
  local ns; ns=$(lab_ns "$name")
  ip netns add "$ns"
  lab_ns_common "$ns"
  ip link add "v-$name" netns "$LAB_SW" type veth peer name eth0 netns "$ns"
  ip netns exec "$ns" ip link set eth0 address "$mac" up
  # no segmentation offload: frames on the wire as a real 1500-byte Ethernet would carry them
  ip netns exec "$ns" ethtool -K eth0 tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$ns" ip addr add "$addr" dev eth0
  [ -n "$gw" ] && ip netns exec "$ns" ip route add default via "$gw"
  ip netns exec "$LAB_SW" ip link set "v-$name" master "$br" up
  ip netns exec "$LAB_SW" ethtool -K "v-$name" tso off gso off gro off >/dev/null 2>&1 || true
  lab_guard_ns "$ns"
}

lab_up() {
  lab_down
  id "$LAB_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$LAB_USER"
  lab_guard_root
  ip netns add "$LAB_SW"
  ip netns exec "$LAB_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  local br
  for br in br0 br1; do
    ip netns exec "$LAB_SW" ip link add "$br" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    ip netns exec "$LAB_SW" ip link set "$br" up
  done
  local r; r=$(lab_ns router)
  ip netns add "$r"
  lab_ns_common "$r"
  ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
  ip link add v-router0 netns "$LAB_SW" type veth peer name lan0 netns "$r"
  ip link add v-router1 netns "$LAB_SW" type veth peer name wan0 netns "$r"
  ip netns exec "$r" ip link set lan0 address 00:0d:b9:4e:20:01 up
  ip netns exec "$r" ip link set wan0 address 00:0d:b9:4e:20:02 up
  local i; for i in lan0 wan0; do ip netns exec "$r" ethtool -K "$i" tso off gso off gro off >/dev/null 2>&1 || true; done
  ip netns exec "$r" ip addr add 10.20.0.1/16 dev lan0
  ip netns exec "$r" ip addr add 203.0.113.1/24 dev wan0
  ip netns exec "$r" ip addr add 198.51.100.1/24 dev wan0
  ip netns exec "$LAB_SW" ip link set v-router0 master br0 up
  ip netns exec "$LAB_SW" ip link set v-router1 master br1 up
  lab_guard_ns "$r"
}

lab_down() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep "^${LAB_PREFIX}" || true); do
    # only this lab's own processes live in these namespaces; stop each by PID
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  sleep 0.3
  for ns in $(ip netns list | awk '{print $1}' | grep "^${LAB_PREFIX}" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
  done
}

# Starts dumpcap on br0 (the LAN); prints its PID.
lab_capture_start() {
  local file=$1
  rm -f "$file"
  ip netns exec "$LAB_SW" dumpcap -q -i br0 -P -s 0 -w "$file" </dev/null >"$file.log" 2>&1 &
  local pid=$!
  local i; for i in $(seq 1 50); do [ -s "$file" ] && break; sleep 0.1; done
  sleep 0.3
  echo "$pid"
}

stop_pid() {
  local pid i
  for pid in "$@"; do
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

host_lan()  { lab_host "$1" br0 "$2" "$3/16" 10.20.0.1; }
host_inet() { lab_host "$1" br1 "$2" "$3/24" "${3%.*}.1"; }
