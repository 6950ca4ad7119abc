#!/usr/bin/env bash
# Makes a CRI-enabled containerd answer on /run/containerd/containerd.sock. Idempotent:
# installs what is missing, writes the config kubets needs, starts containerd when none answers,
# waits until its CRI plugin is up. Env: KUBETS_POD_CIDR (default 10.244.0.0/24),
# KUBETS_STATE_DIR (default /var/lib/kubets). With --write-config it stops after writing the
# configuration (a systemd unit runs containerd itself: see `kubets install`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/daemon.sh"
STATE=${KUBETS_STATE_DIR:-/var/lib/kubets}
POD_CIDR=${KUBETS_POD_CIDR:-10.244.0.0/24}
SOCK=/run/containerd/containerd.sock
CONF_DIR=/etc/kubets/containerd
CNI_CONF_DIR=/etc/kubets/cni/net.d

# 1. packages
missing=()
command -v containerd >/dev/null || missing+=(containerd)
command -v runc >/dev/null || missing+=(runc)
[[ -e /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. host facts: can this host lower oom_score_adj? (containerd must not try where it cannot)
restrict=false
if ! (echo -999 > /proc/self/oom_score_adj) 2>/dev/null; then restrict=true; fi

# 3. config: CRI with our sandbox image, CNI from Debian's plugin dir, the local registry over HTTP
mkdir -p "$CONF_DIR/certs.d/localhost:5000" "$CNI_CONF_DIR" "$STATE/containerd" /run/kubets
cat > "$CONF_DIR/config.toml" <<TOML
version = 2
root = "$STATE/containerd"
state = "/run/kubets/containerd"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost:5000/pause:3.9"
  restrict_oom_score_adj = $restrict
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CNI_CONF_DIR"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CONF_DIR/certs.d"
TOML
cat > "$CONF_DIR/certs.d/localhost:5000/hosts.toml" <<TOML
server = "http://localhost:5000"
[host."http://localhost:5000"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
TOML
cat > "$CNI_CONF_DIR/10-kubets.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "kubets",
  "plugins": [
    {"type": "bridge", "bridge": "kubets0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
JSON
# Pod-to-service traffic over the bridge must see iptables (br_netfilter is built in here).
sysctl -qw net.ipv4.ip_forward=1 || true
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] && sysctl -qw net.bridge.bridge-nf-call-iptables=1 || true

cri_up() { ctr --address "$SOCK" plugins ls 2>/dev/null | grep -E 'io.containerd.grpc.v1\s+cri\s+.*ok' >/dev/null; }

[[ "${1:-}" == --write-config ]] && exit 0

# 4. start containerd unless a CRI-enabled one already answers
if ! cri_up; then
  if [[ -S "$SOCK" ]] && ctr --address "$SOCK" version >/dev/null 2>&1; then
    echo "containerd.sh: a containerd without CRI answers on $SOCK; stop it first" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$SOCK")"
  daemon "$STATE/containerd.log" /run/kubets/containerd.pid containerd --config "$CONF_DIR/config.toml"
fi

# 5. wait for CRI
for _ in $(seq 1 100); do
  if cri_up; then echo "containerd.sh: CRI answers on unix://$SOCK"; exit 0; fi
  sleep 0.2
done
echo "containerd.sh: containerd did not come up; see $STATE/containerd.log" >&2
tail -20 "$STATE/containerd.log" >&2 || true
exit 1
