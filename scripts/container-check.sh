#!/usr/bin/env bash
# container-check.sh: the image really builds and runs.
#
# Builds the Dockerfile with podman, runs `monitor demo` in it, runs the daemon (on a named
# volume, without network: polls fail fast, which is fine) until `podman healthcheck run`
# reports healthy, checks `monitor status` inside it, then stops it with SIGTERM and checks
# it exits 0 (not 137) within 10 s. Lints the Dockerfile with hadolint first.
#
#   scripts/container-check.sh            # as root; sets up podman on first use (1-2 min)
#
# Environment: IMAGE (default localhost/monitor:check), CONTAINER_BASE (path of the
# shared container-base.sh; default ../shared/tools/container-base.sh beside the checkout).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/monitor:check}
NAME=monitor-check-$$
VOLUME=$NAME-data
say() { echo "container-check: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

base=${CONTAINER_BASE:-../shared/tools/container-base.sh}
[ -f "$base" ] || fail "no $base: set CONTAINER_BASE to the shared container-base.sh"
# shellcheck source=/dev/null
source "$base" || fail "container-base.sh could not set up podman"

cleanup() {
  podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"${HADOLINT:-hadolint}" Dockerfile || fail "hadolint found problems in the Dockerfile"

t0=$(date +%s)
log=$(mktemp)
if ! podman build --pull=never --format docker -t "$IMAGE" . >"$log" 2>&1; then
  tail -20 "$log" >&2
  fail "podman build (log above)"
fi
built=$(( $(date +%s) - t0 ))
say "built $IMAGE in ${built}s"
[ "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")" = 10001 ] || fail "image runs as root"
podman image inspect --format '{{.Config.Healthcheck}}' "$IMAGE" | grep -q healthz \
  || fail "the image has no HEALTHCHECK (built in OCI format?)"

demo=$(podman run --rm --network none "$IMAGE" monitor demo 2>&1) || { echo "$demo" >&2; fail "monitor demo"; }
claims=$(grep -c '\[CLAIM\]' <<<"$demo" || true)
denials=$(grep -c '\[DENIAL\]' <<<"$demo" || true)
[ "$claims" = 1 ] && [ "$denials" = 2 ] || { echo "$demo" >&2; fail "demo: $claims claims, $denials denials (want 1 and 2)"; }
say "demo: 1 claim and 2 denials"

podman volume create "$VOLUME" >/dev/null
podman run -d --name "$NAME" --network none -v "$VOLUME:/data" "$IMAGE" >/dev/null 2>&1 \
  || fail "podman run"
t1=$(date +%s)
until podman healthcheck run "$NAME" >/dev/null 2>&1; do
  if [ $(( $(date +%s) - t1 )) -ge 60 ]; then
    podman logs "$NAME" 2>&1 | tail -20 >&2
    fail "not healthy after 60 s (logs above)"
  fi
  [ "$(podman inspect --format '{{.State.Running}}' "$NAME")" = true ] || {
    podman logs "$NAME" 2>&1 | tail -20 >&2; fail "the daemon exited (logs above)"; }
  sleep 0.5
done
say "healthy after $(( $(date +%s) - t1 ))s"

status=$(podman exec "$NAME" monitor status --json 2>/dev/null) || fail "monitor status in the container"
grep -q '"daemon": "pid' <<<"$status" || fail "monitor status does not see the daemon"
grep -q '"database": "/data/monitor.db"' <<<"$status" || fail "the database is not on /data"

start=$(date +%s%N)
podman stop -t 10 "$NAME" >/dev/null 2>&1 || true  # (no systemd here: podman complains about timers)
took=$(( ($(date +%s%N) - start) / 1000000 ))
code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
podman logs "$NAME" 2>&1 | grep -q '"monitor stopped"' || { podman logs "$NAME" 2>&1 | tail -5 >&2; }
[ "$code" = 0 ] || fail "the daemon exited with $code after SIGTERM (137 = killed: no clean stop)"
[ "$took" -lt 10000 ] || fail "stopping took ${took} ms (limit 10 s)"
say "OK: built in ${built}s, demo passed, healthy, stopped by SIGTERM in ${took} ms with exit 0"
