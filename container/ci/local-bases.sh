#!/usr/bin/env bash
# Makes the two base images that bin/container-tests builds with, from this machine's own files,
# because CI reaches no registry (eclipse-temurin and python cannot be pulled there):
#
#   localhost/gymbridge-ci/jre:17      stands in for eclipse-temurin:17-jre: a jlink'ed JRE at
#                                      /opt/java/openjdk, the host libraries it and the agent's
#                                      natives (libtorch, ALE, JNA) load, fonts for the curve PNG.
#   localhost/gymbridge-ci/python:3.11 stands in for python:3.11-slim: the host's python3.11 with
#                                      pip and the host's pip configuration (its package index),
#                                      so the Dockerfile's `pip install ale-py` runs as written.
#
# Neither has a shell: the Dockerfiles use exec-form RUN only, so they build on either base.
# Usage: container/ci/local-bases.sh PODMAN_CMD... (e.g. podman). Rebuilds only when missing.
set -euo pipefail
podman=("$@")
jre_tag=localhost/gymbridge-ci/jre:17
py_tag=localhost/gymbridge-ci/python:3.11

# Copies each shared library the given files need (ldd), and the loader, into $1.
copy_libs() {
  local dest="$1"
  shift
  ldd "$@" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/lib64\// {print $1}' | sort -u |
    while read -r lib; do
      mkdir -p "$dest$(dirname "$lib")"
      cp -L "$lib" "$dest$lib" # $dest/lib links to usr/lib, as on Debian
    done
}

base_dirs() {
  local r="$1"
  mkdir -p "$r/usr/lib/x86_64-linux-gnu" "$r/usr/lib64" "$r/usr/bin" "$r/etc" "$r/tmp" "$r/home"
  ln -s usr/lib "$r/lib"
  ln -s usr/lib64 "$r/lib64"
  ln -s usr/bin "$r/bin"
  chmod 1777 "$r/tmp"
  cp /lib64/ld-linux-x86-64.so.2 "$r/usr/lib64/"
  echo 'root:x:0:0:root:/root:/sbin/nologin' >"$r/etc/passwd"
  echo 'root:x:0:' >"$r/etc/group"
  mkdir -p "$r/etc/ssl/certs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/"
}

import_dir() {
  local dir="$1" tag="$2"
  shift 2
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$dir" -c . | "${podman[@]}" import "${changes[@]}" - "$tag" >/dev/null
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! "${podman[@]}" image exists "$jre_tag"; then
  r="$work/jre"
  base_dirs "$r"
  jlink --add-modules java.base,java.datatransfer,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$r/opt/java/openjdk"
  # What the JRE links, fontconfig (which the JDK dlopens), and what libtorch, ALE and JNA need:
  # libgomp, libstdc++, libz... (listed by hand: those natives are unpacked only at run time).
  extra=()
  for l in libfontconfig.so.1 libgomp.so.1 libstdc++.so.6 libgcc_s.so.1 libz.so.1 libm.so.6 \
    libdl.so.2 librt.so.1 libpthread.so.0 libutil.so.1 libnss_dns.so.2 libnss_files.so.2 \
    libresolv.so.2; do
    f="/lib/x86_64-linux-gnu/$l"
    [ -e "$f" ] && extra+=("$f")
  done
  copy_libs "$r" $(find "$r/opt/java/openjdk" -name '*.so') "${extra[@]}"
  for f in "${extra[@]}"; do cp -L "$f" "$r/usr/lib/x86_64-linux-gnu/"; done
  # Fonts: the learning-curve PNG draws text.
  mkdir -p "$r/usr/share/fonts" "$r/etc/fonts"
  cp -rL /etc/fonts/. "$r/etc/fonts/"
  cp -rL /usr/share/fonts/truetype "$r/usr/share/fonts/"
  import_dir "$r" "$jre_tag" "ENV JAVA_HOME=/opt/java/openjdk" \
    "ENV PATH=/opt/java/openjdk/bin:/usr/bin" "ENV LANG=C.UTF-8"
  echo "local-bases: made $jre_tag" >&2
fi

if ! "${podman[@]}" image exists "$py_tag"; then
  r="$work/python"
  base_dirs "$r"
  py="$(readlink -f /usr/bin/python3)"
  cp "$py" "$r/usr/bin/"
  ln -s "$(basename "$py")" "$r/usr/bin/python3"
  ln -s "$(basename "$py")" "$r/usr/bin/python"
  ver="$(python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')"
  mkdir -p "$r/usr/lib/python3" "$r/usr/share"
  cp -a "/usr/lib/$ver" "$r/usr/lib/"
  rm -rf "$r/usr/lib/$ver/test" "$r/usr/lib/$ver/site-packages"
  cp -a /usr/lib/python3/dist-packages "$r/usr/lib/python3/"
  [ -d /usr/share/python-wheels ] && cp -a /usr/share/python-wheels "$r/usr/share/"
  copy_libs "$r" "$py" $(find "$r/usr/lib/$ver/lib-dynload" -name '*.so')
  # pip's configuration as on this machine, with its local package index folders as the index
  # (CI reaches no public index; bin/container-tests mounts those folders read-only at build).
  mkdir -p "$r/etc/xdg/pip"
  python3 "$(dirname "${BASH_SOURCE[0]}")/pip_conf.py" >"$r/etc/pip.conf"
  [ -f /etc/xdg/pip/constraints.txt ] && cp -L /etc/xdg/pip/constraints.txt "$r/etc/xdg/pip/"
  import_dir "$r" "$py_tag" "ENV PATH=/usr/local/bin:/usr/bin" "ENV LANG=C.UTF-8" \
    "ENV PIP_CONFIG_FILE=/etc/pip.conf"
  echo "local-bases: made $py_tag" >&2
fi
