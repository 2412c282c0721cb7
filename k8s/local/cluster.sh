#!/usr/bin/env bash
# A single-node Kubernetes built from upstream components (k8s/local/kube), running inside a
# private network namespace whose only link is a veth pair with both ends inside it: node, pod and
# Service addresses exist only in there and nothing has a route out. Used by `scripts/cluster`.
#
#   k8s/local/cluster.sh start        etcd, apiserver, controller-manager, scheduler, containerd,
#                                     kubelet, kube-proxy and CoreDNS; waits for the node to be Ready
#   k8s/local/cluster.sh stop         stops them, removes the namespace and every byte of state
#   k8s/local/cluster.sh import IMG…  loads local podman images into the node's containerd
#   k8s/local/cluster.sh run CMD…     runs CMD inside the namespace with KUBECONFIG set (kubectl, helm…)
#   k8s/local/cluster.sh forward SVC PORT HOSTPORT   serves Service SVC:PORT on 127.0.0.1:HOSTPORT
#
# Needs root, the Debian packages named in scripts/cluster and the kube binary that
# scripts/ensure-tools.sh builds. See ../shared/CLUSTER.md in the CI workspace for why each setting
# below is what it is; the short reason is next to each.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/containers.sh
source "$ROOT/scripts/lib/containers.sh"
# shellcheck source=scripts/lib/netns.sh
source "$ROOT/scripts/lib/netns.sh"

NETNS="${VOICEPULSE_NETNS:-voicepulse}"
STATE="${VOICEPULSE_CLUSTER_STATE:-/var/lib/voicepulse-cluster}"
NODE_NAME=voicepulse-node
NODE_IP=10.250.0.1
PEER_IP=10.250.0.2
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_IP="$NODE_IP"
K8S_VERSION=v1.34.4

die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }
say() { printf '[cluster] %s\n' "$*" >&2; }
in_ns() { nsenter --net="/run/netns/$NETNS" "$@"; }

kube_bin() {
  local bin="${VOICEPULSE_TOOLS_BIN:-}"
  [[ -n "$bin" && -x "$bin/kube" ]] || die "VOICEPULSE_TOOLS_BIN must point at the directory holding the kube binary"
  printf '%s/kube' "$bin"
}

# ---- PKI: one CA, a serving cert for the apiserver and the kubelet, a client cert per component ----
pki() {
  local dir="$STATE/pki"
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=voicepulse-local-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    # name  CN  O  SANs (empty for client certs)
    local certs=(
      "apiserver|kube-apiserver||DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:$API_SERVICE_IP,IP:$NODE_IP,IP:127.0.0.1"
      "kubelet-serving|system:node:$NODE_NAME|system:nodes|DNS:$NODE_NAME,IP:$NODE_IP"
      "admin|voicepulse-admin|system:masters|"
      "apiserver-kubelet-client|kube-apiserver-kubelet-client|system:masters|"
      "kubelet|system:node:$NODE_NAME|system:nodes|"
      "controller-manager|system:kube-controller-manager||"
      "scheduler|system:kube-scheduler||"
      "kube-proxy|system:kube-proxy||"
      "coredns|voicepulse:coredns||"
    )
    local entry name cn org san subj ext
    for entry in "${certs[@]}"; do
      IFS='|' read -r name cn org san <<<"$entry"
      subj="/CN=$cn"
      [[ -n "$org" ]] && subj="/O=$org$subj"
      ext="$(mktemp)"
      if [[ -n "$san" ]]; then
        printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$ext"
      else
        printf 'extendedKeyUsage=clientAuth\n' >"$ext"
      fi
      openssl req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$name.key" -out "$name.csr" 2>/dev/null
      openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
        -extfile "$ext" -out "$name.crt" 2>/dev/null
      rm -f "$name.csr" "$ext"
    done
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  local who
  for who in admin kubelet controller-manager scheduler kube-proxy coredns; do
    kubeconfig "$who" >"$STATE/$who.kubeconfig"
  done
}

kubeconfig() {
  local who="$1" dir="$STATE/pki"
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: voicepulse-local
    cluster:
      server: https://$NODE_IP:6443
      certificate-authority-data: $(base64 -w0 "$dir/ca.crt")
users:
  - name: $who
    user:
      client-certificate-data: $(base64 -w0 "$dir/$who.crt")
      client-key-data: $(base64 -w0 "$dir/$who.key")
contexts:
  - name: voicepulse-local
    context: { cluster: voicepulse-local, user: $who }
current-context: voicepulse-local
EOF
}

# ---- network namespace ------------------------------------------------------------------------------
netns_up() {
  netns_create "$NETNS" "$NODE_IP/24" "$PEER_IP"
  # Pod-to-Service traffic on the pod bridge must pass iptables, or replies skip the un-DNAT.
  in_ns sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1
}

# ---- components -----------------------------------------------------------------------------------------
# start_bg NAME CMD…: runs CMD in the namespace in the background, log in $STATE/log/NAME.log.
start_bg() {
  local name="$1"
  shift
  mkdir -p "$STATE/log" "$STATE/pid"
  in_ns setsid "$@" >"$STATE/log/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pid/$name"
}

# wait_for DESC SECONDS CMD…: polls CMD once a second; on timeout prints the newest log lines.
wait_for() {
  local desc="$1" seconds="$2" log="${WAIT_LOG:-}"
  shift 2
  local i
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  say "timed out after ${seconds}s waiting for $desc"
  [[ -n "$log" && -f "$STATE/log/$log.log" ]] && tail -n 40 "$STATE/log/$log.log" >&2
  return 1
}

write_configs() {
  local kube="$1"
  mkdir -p "$STATE/containerd" "$STATE/cni/net.d" "$STATE/kubelet" "$STATE/pv"
  # The cluster resolves only its own names: pods get CoreDNS, the node an empty resolv.conf.
  : >"$STATE/resolv.conf"
  cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$STATE/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10.1"
  # Without CAP_SYS_RESOURCE containerd may only raise oom_score_adj, never lower it.
  restrict_oom_score_adj = true
  # Pod network namespaces under the state dir, so stop can unmount and remove every one of them.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
EOF
  cat >"$STATE/cni/net.d/10-voicepulse.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "voicepulse",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "vp-pods",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$STATE/cni/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  cat >"$STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# The CI machines are cgroup v1; kubelet 1.34 still runs there when told to.
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $STATE/pki/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: $STATE/pki/kubelet-serving.crt
tlsPrivateKeyFile: $STATE/pki/kubelet-serving.key
clusterDomain: cluster.local
clusterDNS: [$DNS_IP]
resolvConf: $STATE/resolv.conf
containerRuntimeEndpoint: unix://$STATE/containerd/containerd.sock
# Images are imported, never pulled; do not let disk pressure evict them between runs.
imageGCHighThresholdPercent: 100
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1% }
serializeImagePulls: false
podLogsDir: $STATE/pod-logs
EOF
  cat >"$STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_CIDR
clientConnection: { kubeconfig: $STATE/kube-proxy.kubeconfig }
# A network namespace cannot change the host's conntrack table size; leave it alone.
conntrack: { maxPerCore: 0 }
EOF
  cat >"$STATE/Corefile" <<EOF
.:53 {
    bind $DNS_IP
    errors
    health $NODE_IP:8180
    ready $NODE_IP:8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $STATE/coredns.kubeconfig voicepulse-local
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    loadbalance
    cache 5
}
EOF
  : "$kube"
}

start() {
  [[ $EUID -eq 0 ]] || die "must run as root (network namespace, containerd, kubelet)"
  local kube
  kube="$(kube_bin)"
  if ip netns list | grep -qw "$NETNS"; then die "namespace $NETNS exists: run stop first"; fi
  rm -rf "$STATE"
  mkdir -p "$STATE"
  say "PKI and configuration in $STATE"
  pki
  write_configs "$kube"
  netns_up

  say "etcd"
  start_bg etcd etcd --name voicepulse --data-dir "$STATE/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster voicepulse=http://127.0.0.1:2380 --log-level warn
  say "kube-apiserver $K8S_VERSION"
  start_bg kube-apiserver "$kube" kube-apiserver \
    --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address="$NODE_IP" --bind-address=0.0.0.0 --secure-port=6443 \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --tls-cert-file="$STATE/pki/apiserver.crt" --tls-private-key-file="$STATE/pki/apiserver.key" \
    --client-ca-file="$STATE/pki/ca.crt" \
    --kubelet-certificate-authority="$STATE/pki/ca.crt" \
    --kubelet-client-certificate="$STATE/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$STATE/pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$STATE/pki/sa.pub" \
    --service-account-signing-key-file="$STATE/pki/sa.key" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --allow-privileged=false \
    --profiling=false
  export KUBECONFIG="$STATE/admin.kubeconfig"
  WAIT_LOG=kube-apiserver wait_for "the apiserver" 120 in_ns "$kube" kubectl get --raw /readyz

  say "controller-manager, scheduler, containerd"
  start_bg kube-controller-manager "$kube" kube-controller-manager \
    --kubeconfig="$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
    --service-account-private-key-file="$STATE/pki/sa.key" \
    --root-ca-file="$STATE/pki/ca.crt" \
    --cluster-signing-cert-file="$STATE/pki/ca.crt" --cluster-signing-key-file="$STATE/pki/ca.key" \
    --use-service-account-credentials=true \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --leader-elect=false --profiling=false
  start_bg kube-scheduler "$kube" kube-scheduler \
    --kubeconfig="$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
    --leader-elect=false --profiling=false
  start_bg containerd containerd --config "$STATE/containerd/config.toml"
  WAIT_LOG=containerd wait_for containerd 60 ctr_ version

  # CoreDNS reads Services, EndpointSlices, Namespaces and Pods and nothing else.
  in_ns "$kube" kubectl apply -f - >/dev/null <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "voicepulse:coredns" }
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "voicepulse:coredns" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "voicepulse:coredns" }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: "voicepulse:coredns" }
EOF

  say "kubelet, kube-proxy, CoreDNS"
  start_bg kubelet "$kube" kubelet \
    --config="$STATE/kubelet/config.yaml" \
    --kubeconfig="$STATE/kubelet.kubeconfig" \
    --root-dir="$STATE/kubelet/root" \
    --cert-dir="$STATE/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  start_bg kube-proxy "$kube" kube-proxy --config="$STATE/kube-proxy.yaml" --hostname-override="$NODE_NAME"
  start_bg coredns "$kube" coredns -conf "$STATE/Corefile"
  WAIT_LOG=kubelet wait_for "node $NODE_NAME to be Ready" 180 \
    in_ns "$kube" kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
  WAIT_LOG=coredns wait_for "CoreDNS" 60 in_ns curl -fsS "http://$NODE_IP:8181/ready"
  say "node $NODE_NAME is Ready (Kubernetes $K8S_VERSION, namespace $NETNS)"
}

ctr_() { ctr --address "$STATE/containerd/containerd.sock" -n k8s.io "$@"; }

# Images go from podman's store straight into the node's containerd, in one archive so shared
# layers travel once. Names must be fully qualified (docker.io/voicepulse/gateway:dev): that is
# how kubelet resolves the chart's "voicepulse/gateway:dev".
import_images() {
  (($#)) || return 0
  podman save --multi-image-archive --format docker-archive "$@" | ctr_ images import - >/dev/null
}

stop() {
  local name pid
  if [[ -d "$STATE/pid" ]]; then
    # Pods first (kubelet would restart them), then the node, then the control plane.
    for name in coredns kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
      [[ -f "$STATE/pid/$name" ]] || continue
      pid="$(cat "$STATE/pid/$name")"
      kill "$pid" 2>/dev/null || true
    done
    if [[ -S "$STATE/containerd/containerd.sock" ]]; then
      # Every pod's containers and sandboxes, so no runc process outlives the cluster.
      local task
      for task in $(ctr_ tasks list -q 2>/dev/null); do ctr_ tasks kill -s KILL "$task" >/dev/null 2>&1 || true; done
      sleep 1
      for task in $(ctr_ tasks list -q 2>/dev/null); do ctr_ tasks delete -f "$task" >/dev/null 2>&1 || true; done
    fi
    if [[ -f "$STATE/pid/containerd" ]]; then kill "$(cat "$STATE/pid/containerd")" 2>/dev/null || true; fi
    for name in "$STATE"/pid/*; do
      pid="$(cat "$name")"
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    done
  fi
  # Anything still holding the namespace (a forwarder, a stray shim) goes with it.
  netns_delete "$NETNS"
  if [[ -d "$STATE" ]]; then
    # kubelet leaves bind mounts of pod volumes behind; unmount before deleting.
    grep -o " ${STATE}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$STATE"
  fi
}

cmd="${1:-}"
shift || true
case "$cmd" in
  start) start ;;
  stop) stop ;;
  import) import_images "$@" ;;
  run)
    export KUBECONFIG="$STATE/admin.kubeconfig"
    exec nsenter --net="/run/netns/$NETNS" "$@"
    ;;
  *) die "usage: cluster.sh start|stop|import IMAGE…|run CMD…" ;;
esac
