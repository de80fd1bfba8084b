#!/usr/bin/env bash
# Builds the container image and checks it end to end, as a user runs it (npm run verify:image):
# builds, checks the runtime stage holds no bench/test code nor dev dependencies, runs it on a free
# port with a named volume, signs up, uploads a camera-sized real photo, waits for `ready`, fetches a
# variant, checks no process in the container runs as root, stops it with SIGTERM (clean exit within
# the stop grace), starts a new container on the same volume and finds the image again.
# Exits non-zero with a clear message on any failure; removes its containers and volume.
#
# Here (no container registry, hybrid cgroups, limits that cannot be raised) podman needs: the base
# image stood in for (deploy/base-image.sh), builds with --isolation=chroot, runs with runc, the host
# network and explicit ulimits. With Docker the same checks are `docker build .` and
# `docker run -p 3000:3000 -v optimage:/data optimage`.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${OPTIMAGE_IMAGE:-localhost/optimage:verify}"
GRACE="${OPTIMAGE_STOP_GRACE:-10}"  # seconds: `docker stop`'s default grace
RUN_ID="optimage-verify-$$"
VOLUME="$RUN_ID-data"
STATE="$(mktemp "${TMPDIR:-/tmp}/optimage-verify.XXXXXX")"
RUN_OPTS=(--runtime runc --network=host --ulimit nofile=16384:16384 --ulimit nproc=8192:8192)
CONTAINERS=()
T0=$SECONDS
PHASE_START=$SECONDS

say() { echo "verify-image: $*"; }
die() {
  echo "verify-image: FAIL: $*" >&2
  for c in "${CONTAINERS[@]}"; do
    podman container exists "$c" 2>/dev/null && { echo "--- last log lines of $c:" >&2; podman logs --tail 30 "$c" >&2 2>&1 || true; }
  done
  exit 1
}
phase() { PHASE_START=$SECONDS; say "$*"; }
done_phase() { say "  done in $((SECONDS - PHASE_START)) s"; }
cleanup() {
  for c in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  rm -f "$STATE" "$STATE.err" "$STATE.build.log"
}
trap cleanup EXIT

# the HTTP checks run from the compiled scripts (npm run verify:image builds first; .ci/run has just built)
[ -n "${OPTIMAGE_BUILT:-}" ] || npm run build --silent || die "npm run build failed"
[ -f dist/scripts/verify-image-client.js ] || die "dist/scripts/verify-image-client.js is missing: run npm run build"
[ "$(id -u)" = 0 ] || die "run as root (podman builds and runs the image as root here)"
for tool in podman runc debootstrap node; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install podman runc debootstrap)"
done

free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_ready() { # name port
  local deadline=$((SECONDS + 180))
  until node -e "fetch('http://127.0.0.1:$2/readyz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"; do
    [ "$(podman inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" = true ] || die "container $1 exited before it was ready"
    [ $SECONDS -lt $deadline ] || die "container $1 not ready on :$2 within 180 s"
    sleep 1
  done
}

start_container() { # name port
  CONTAINERS+=("$1")
  # no systemd here to time the image's HEALTHCHECK: it is run by hand (podman healthcheck run) instead
  # (podman still complains on stderr that it has no systemd for the timer: kept out of the output)
  podman run -d --name "$1" "${RUN_OPTS[@]}" --health-interval disable -v "$VOLUME:/data" \
    -e PORT="$2" -e PUBLIC_BASE_URL="http://127.0.0.1:$2" "$IMAGE" >/dev/null 2>"$STATE.err" \
    || { cat "$STATE.err" >&2; die "podman run $1 failed"; }
  wait_ready "$1" "$2"
  podman healthcheck run "$1" >/dev/null 2>>"$STATE.err" || die "the image's HEALTHCHECK reports $1 unhealthy although /readyz answers 200"
}

phase "1/6 base image (node:24-slim stand-in)"
bash deploy/base-image.sh || die "could not make the stand-in base image"
done_phase

phase "2/6 podman build"
podman build --format docker --pull=never --isolation=chroot --layers --jobs 2 -t "$IMAGE" . >"$STATE.build.log" 2>&1 \
  || { tail -30 "$STATE.build.log" >&2; rm -f "$STATE.build.log"; die "the image does not build (podman build, output above)"; }
rm -f "$STATE.build.log"
SIZE_BYTES="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
BASE_BYTES="$(podman image inspect --format '{{.Size}}' docker.io/library/node:24-slim)"
say "  image $IMAGE: $((SIZE_BYTES / 1000000)) MB ($(((SIZE_BYTES - BASE_BYTES) / 1000000)) MB over the base)"
done_phase

phase "3/6 runtime stage contents"
podman run --rm "${RUN_OPTS[@]}" --no-healthcheck "$IMAGE" sh -c '
  set -e
  for p in /app/bench /app/test /app/scripts /app/src /app/dist/bench /app/dist/test /app/dist/scripts \
           /app/node_modules/vitest /app/node_modules/typescript /app/node_modules/vite /app/node_modules/eslint; do
    if [ -e "$p" ]; then echo "present: $p"; exit 1; fi
  done
  test -f /app/dist/src/main.js && test -f /app/dist/web/index.html && test -d /app/dist/migrations
  test "$(id -u)" != 0' || die "the runtime stage holds bench/test code, dev dependencies, misses the service, or runs as root"
done_phase

phase "4/6 run, sign up, upload a camera photo, fetch a variant"
PORT1="$(free_port)"
podman volume create "$VOLUME" >/dev/null
start_container "$RUN_ID-1" "$PORT1"
say "  ready on :$PORT1 after $((SECONDS - PHASE_START)) s"
node dist/scripts/verify-image-client.js upload "http://127.0.0.1:$PORT1" "$STATE" || die "the upload check failed (above)"
UIDS="$(podman exec "$RUN_ID-1" sh -c 'for f in /proc/[0-9]*/status; do sed -n "s/^Uid:[[:space:]]*\([0-9]*\).*/\1/p" "$f"; done' | sort -u | tr '\n' ' ')"
case " $UIDS" in *" 0 "*) die "a process in the container runs as root (uids: $UIDS)" ;; esac
say "  processes run as uid(s) $UIDS"
done_phase

phase "5/6 stop with SIGTERM (grace $GRACE s)"
stop_started=$SECONDS
podman stop -t "$GRACE" "$RUN_ID-1" >/dev/null 2>>"$STATE.err" || die "podman stop failed"
stop_secs=$((SECONDS - stop_started))
code="$(podman inspect --format '{{.State.ExitCode}}' "$RUN_ID-1")"
[ "$code" = 0 ] || die "the container exited $code on SIGTERM (137 = killed after the $GRACE s grace)"
[ "$stop_secs" -lt "$GRACE" ] || die "stopping took $stop_secs s, not within the $GRACE s grace"
say "  exited 0 in $stop_secs s"
done_phase

phase "6/6 start again on the same volume, find the image"
PORT2="$(free_port)"
start_container "$RUN_ID-2" "$PORT2"
node dist/scripts/verify-image-client.js find "http://127.0.0.1:$PORT2" "$STATE" || die "the image was not found after the restart (above)"
podman stop -t "$GRACE" "$RUN_ID-2" >/dev/null 2>>"$STATE.err" || die "podman stop failed"
done_phase

say "OK: image $((SIZE_BYTES / 1000000)) MB, checked end to end in $((SECONDS - T0)) s"
