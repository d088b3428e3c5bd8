#!/usr/bin/env bash
# Builds the test images from Debian's busybox-static and pushes them to the local registry,
# where dockerd (through its mirror setting) and badidea (as a registry) find them as Docker Hub images.
set -euo pipefail
reg=127.0.0.1:5000
have() { curl -fsS "http://$reg/v2/$1/manifests/$2" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null 2>&1; }
if ! have library/busybox latest; then
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/home" "$root/var/www" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  mkdir -p "$root/usr/bin" "$root/sbin" "$root/usr/sbin"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  tar -C "$root" -c . | docker import -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - busybox:latest >/dev/null
  rm -rf "$root"
  docker tag busybox:latest $reg/library/busybox:latest
  docker push -q $reg/library/busybox:latest >/dev/null
fi
for name in alpine:3.14; do
  repo=${name%%:*}; tag=${name##*:}
  if ! have "library/$repo" "$tag"; then
    docker tag busybox:latest "$reg/library/$repo:$tag"
    docker push -q "$reg/library/$repo:$tag" >/dev/null
  fi
done
