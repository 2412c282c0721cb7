# shellcheck shell=bash
# Private network namespaces for what runs containers here (the local Kubernetes, compose): the
# namespace's only link is a veth pair with both ends inside it, so the default route that
# kubelet, kube-proxy and container runtimes insist on exists and leads nowhere. Nothing inside
# can reach the host's network or beyond; the host reaches in only through unix sockets.

# netns_create NAME ADDRESS/24 PEER: the namespace, loopback up, ADDRESS on one end, default via PEER.
netns_create() {
  local name="$1" address="$2" peer="$3"
  ip netns add "$name"
  nsenter --net="/run/netns/$name" ip link set lo up
  ip link add "${name:0:8}-a" netns "$name" type veth peer name "${name:0:8}-b" netns "$name"
  nsenter --net="/run/netns/$name" ip addr add "$address" dev "${name:0:8}-a"
  nsenter --net="/run/netns/$name" ip link set "${name:0:8}-a" up
  nsenter --net="/run/netns/$name" ip link set "${name:0:8}-b" up
  nsenter --net="/run/netns/$name" ip route add default via "$peer" dev "${name:0:8}-a" onlink
}

# netns_delete NAME: kills what still runs inside, then removes the namespace (no error if absent).
netns_delete() {
  local name="$1"
  ip netns list | grep -qw "$name" || return 0
  ip netns pids "$name" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns delete "$name"
}
