#!/usr/bin/env bash
# Serves the test and demo images from a local registry on 127.0.0.1:5000, built from Debian's
# busybox-static: localhost:5000/busybox:v1, :v2 (/VERSION differs) and localhost:5000/pause:3.9.
# Idempotent: starts the registry only when none answers; rebuilds and pushes every time (cheap).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/daemon.sh"
cd "$(dirname "$0")"
STATE=${KUBETS_STATE_DIR:-/var/lib/kubets}
REG=127.0.0.1:5000

# 1. packages
missing=()
[[ -x /bin/busybox ]] && dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v skopeo >/dev/null || missing+=(skopeo)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. the registry
if ! curl -fsS "http://$REG/v2/" >/dev/null 2>&1; then
  mkdir -p "$STATE/registry" /run/kubets
  cat > "$STATE/registry.yml" <<YML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $STATE/registry}
  delete: {enabled: true}
http:
  addr: $REG
YML
  daemon "$STATE/registry.log" /run/kubets/registry.pid docker-registry serve "$STATE/registry.yml"
  for _ in $(seq 1 50); do curl -fsS "http://$REG/v2/" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "http://$REG/v2/" >/dev/null || { echo "images.sh: registry did not start; see $STATE/registry.log" >&2; exit 1; }
fi

# 3. root filesystems
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make_rootfs() {
  local dir=$1 version=$2
  mkdir -p "$dir"/{bin,etc,tmp,var/www,root,proc,sys,dev}
  chmod 1777 "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in $(/bin/busybox --list); do [[ "$applet" == busybox ]] || ln -sf busybox "$dir/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$dir/etc/group"
  printf '127.0.0.1 localhost\n' > "$dir/etc/hosts"
  echo "$version" > "$dir/VERSION"
  # busybox-static is glibc-static: name lookups (wget http://web/) dlopen the NSS modules, so
  # the image carries the host's matching glibc NSS libraries and an nsswitch.conf.
  mkdir -p "$dir/lib/x86_64-linux-gnu" "$dir/lib64"
  for lib in libc.so.6 libnss_dns.so.2 libnss_files.so.2 libresolv.so.2 ld-linux-x86-64.so.2; do
    [[ -e "/lib/x86_64-linux-gnu/$lib" ]] && cp -L "/lib/x86_64-linux-gnu/$lib" "$dir/lib/x86_64-linux-gnu/$lib"
  done
  ln -sf ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$dir/lib64/ld-linux-x86-64.so.2"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$dir/etc/nsswitch.conf"
  echo "$version" > "$dir/var/www/index.html"
}
make_rootfs "$work/v1" v1
make_rootfs "$work/v2" v2
# pause: PID 1 must exit on SIGTERM (PID 1 gets no default handlers), so the shell traps it.
make_rootfs "$work/pause" pause
printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 3600 & wait $!; done\n' > "$work/pause/pause"
chmod +x "$work/pause/pause"

# 4. OCI layouts, pushed to the registry
# Each image gets its own layout (the layout's index names one tag). Like the public busybox
# image, no entrypoint and `sh` as the default command, so `kubectl run -- sh -c ...` works.
bash lib/oci-image.sh "$work/v1" "$work/oci-busybox-v1" v1 'null' '["sh"]'
bash lib/oci-image.sh "$work/v2" "$work/oci-busybox-v2" v2 'null' '["sh"]'
bash lib/oci-image.sh "$work/pause" "$work/oci-pause" 3.9 '["/pause"]' 'null'
push() { skopeo copy --quiet --dest-tls-verify=false "oci:$1:$2" "docker://$REG/$3"; }
push "$work/oci-busybox-v1" v1 busybox:v1
push "$work/oci-busybox-v2" v2 busybox:v2
push "$work/oci-pause" 3.9 pause:3.9
echo "localhost:5000/busybox:v1"
echo "localhost:5000/busybox:v2"
echo "localhost:5000/pause:3.9"
