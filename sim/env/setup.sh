#!/usr/bin/env bash
# Prepares this machine for the simulated cluster: Debian packages, dockerd with the local
# registry as Docker Hub mirror, the registry itself, and the test images pushed to it.
# Idempotent and quick when everything is already in place. Runs as root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=${SIM_STATE_DIR:-/var/lib/badidea-sim}
mkdir -p "$state"
log() { echo "sim-setup: $*" >&2; }
if [ "$(id -u)" != 0 ]; then
  log "must run as root (it installs packages, starts dockerd, and the simulator adds addresses to its bridges)"
  exit 1
fi

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-registry >/dev/null || need+=(docker-registry)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx nslookup || need+=(busybox-static)
python3 -c 'import docker' 2>/dev/null || /usr/bin/python3 -c 'import docker' 2>/dev/null || need+=(python3-docker)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v tmux >/dev/null || need+=(tmux)
command -v openssl >/dev/null || need+=(openssl)
command -v ip >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Registry on 127.0.0.1:5000, no auth (the private-registry tests run their own with htpasswd).
if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  cat > "$state/registry.yml" <<YML
version: 0.1
log: { level: error }
storage:
  filesystem: { rootdirectory: $state/registry }
  delete: { enabled: true }
http: { addr: 127.0.0.1:5000 }
YML
  log "starting docker-registry"
  nohup docker-registry serve "$state/registry.yml" >"$state/registry.log" 2>&1 &
  for _ in $(seq 50); do curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break; sleep 0.1; done
fi

# dockerd with the registry as Docker Hub mirror.
mkdir -p /etc/docker
want='{"registry-mirrors":["http://127.0.0.1:5000"],"insecure-registries":["127.0.0.0/8"]}'
if [ "$(cat /etc/docker/daemon.json 2>/dev/null)" != "$want" ]; then
  echo "$want" > /etc/docker/daemon.json
  if pgrep -x dockerd >/dev/null; then log "restarting dockerd for the mirror"; pkill -x dockerd; sleep 2; fi
fi
if ! docker -H unix:///var/run/docker.sock version >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd >"$state/dockerd.log" 2>&1 &
  for _ in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
  docker version >/dev/null
fi

# kubectl is not packaged by Debian; the end-to-end tests use the one the machine image ships.
command -v kubectl >/dev/null || log "warning: no kubectl on PATH; the kubectl end-to-end tests (test/sim) will fail"

# Test images, built locally (no internet) and pushed to the registry under Docker Hub names.
bash "$here/images.sh"
log "ready"
