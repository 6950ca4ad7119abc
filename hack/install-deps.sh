#!/usr/bin/env bash
# Installs what kubets needs on Debian 12, as root. Idempotent: installs only what is missing,
# runs `apt-get update` at most once, then `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. Debian packages: command -> package.
declare -A need=(
  [etcd]=etcd-server
  [etcdctl]=etcd-client
  [containerd]=containerd
  [runc]=runc
  [/usr/lib/cni/bridge]=containernetworking-plugins
  [/bin/busybox]=busybox-static
  [docker-registry]=docker-registry
  [iptables]=iptables
  [conntrack]=conntrack
  [ip]=iproute2
  [skopeo]=skopeo
  [curl]=curl
)
missing=()
for cmd in "${!need[@]}"; do
  if [[ "$cmd" == /* ]]; then [[ -e "$cmd" ]] && continue
  else command -v "$cmd" >/dev/null 2>&1 && continue; fi
  missing+=("${need[$cmd]}")
done
# busybox-static must be the static build (the image is made from it).
if [[ -e /bin/busybox ]] && ! dpkg -s busybox-static >/dev/null 2>&1; then missing+=(busybox-static); fi
if ! command -v kubectl >/dev/null 2>&1; then missing+=(kubernetes-client); fi

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. npm packages, exactly as locked.
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
echo "install-deps: ok"
