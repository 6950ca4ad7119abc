#!/usr/bin/env bash
# Builds a single-layer OCI image layout from a root filesystem directory (no docker needed).
# usage: oci-image.sh ROOTFS LAYOUT_DIR TAG 'ENTRYPOINT_JSON' 'CMD_JSON'
set -euo pipefail
rootfs=$1 layout=$2 tag=$3 entrypoint=$4 cmd=$5
mkdir -p "$layout/blobs/sha256"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 1. the layer: a reproducible tar (sorted, fixed owner and mtime), gzipped
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00Z' -C "$rootfs" -cf "$tmp/layer.tar" .
diff_id=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
gzip -n -9 -c "$tmp/layer.tar" > "$tmp/layer.tar.gz"
layer_digest=$(sha256sum "$tmp/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$tmp/layer.tar.gz")
cp "$tmp/layer.tar.gz" "$layout/blobs/sha256/$layer_digest"
# 2. the image config
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"2026-01-01T00:00:00Z","created_by":"kubets hack/images.sh"}]}' \
  "$entrypoint" "$cmd" "$diff_id" > "$tmp/config.json"
config_digest=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
config_size=$(stat -c %s "$tmp/config.json")
cp "$tmp/config.json" "$layout/blobs/sha256/$config_digest"
# 3. the manifest and the index naming it by tag
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$tmp/manifest.json"
manifest_digest=$(sha256sum "$tmp/manifest.json" | cut -d' ' -f1)
manifest_size=$(stat -c %s "$tmp/manifest.json")
cp "$tmp/manifest.json" "$layout/blobs/sha256/$manifest_digest"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest_digest" "$manifest_size" "$tag" > "$layout/index.json"
