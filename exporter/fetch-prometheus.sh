#!/bin/sh
# fetch-prometheus.sh: Debian's prometheus package (the server and promtool)
# unpacked into $CACHE/prometheus (default .cache/prometheus), not installed:
# the exporter's unit tests run promtool from there, and the VM test runs the
# server from the 9p share (/host/.cache/prometheus/usr/bin/prometheus).
# Idempotent; prints the directory.
set -eu
CACHE=${CACHE:-$(pwd)/.cache}
D=$CACHE/prometheus
if [ ! -x "$D/usr/bin/promtool" ] || [ ! -x "$D/usr/bin/prometheus" ]; then
	mkdir -p "$D/deb"
	cd "$D/deb"
	if ! ls ./prometheus_*.deb >/dev/null 2>&1; then
		echo "fetch-prometheus: downloading prometheus" >&2
		apt-get download -q prometheus >/dev/null 2>&1 || { apt-get update -q >/dev/null; apt-get download -q prometheus >/dev/null; }
	fi
	dpkg-deb -x ./prometheus_*.deb "$D"
fi
echo "$D"
