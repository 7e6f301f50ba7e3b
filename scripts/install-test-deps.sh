#!/bin/sh
# Installs the Debian/Ubuntu packages the test suite uses, and nothing else: Chromium for the
# browser tests (Playwright drives it through executablePath; no browser is downloaded),
# Prometheus Alertmanager for the alert intake tests (tests/helpers/alertmanager.ts runs the real
# binary, /usr/bin/prometheus-alertmanager, on free ports; the package's own service, if apt
# starts it, is not used and does not get in the way), and ansible-core with curl for the CMDB inventory
# test (tests/records/cmdb-inventory.test.ts runs the real `ansible-inventory` against the
# dynamic-inventory JSON through the curl inventory script of docs/cmdb-import.md; neither
# starts a service), and the Prometheus server for the scrape test
# (tests/api/metrics-prometheus.test.ts runs /usr/bin/prometheus on a free port with its own
# config and storage; the package's own service, if apt starts it, is not used), and kubectl
# for the deployment manifests test (tests/unit/deploy-manifests.test.ts renders the kustomize
# overlays with `kubectl kustomize`, offline; Debian's package is kubernetes-client, skipped
# when a kubectl from another package is already on the PATH).
# Works as root (CI, containers) and as a user with sudo. Packages already present are skipped,
# so it is quick to run again. `.ci/run` calls it too, so the README and CI cannot drift.
set -eu

packages="chromium prometheus-alertmanager prometheus ansible-core curl openssh-server"

command -v kubectl >/dev/null 2>&1 || packages="$packages kubernetes-client"

missing=""
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $pkg"
done
if [ -z "$missing" ]; then
  echo "test deps: all present ($packages)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "test deps: missing:$missing; run this script as root or install sudo" >&2
  exit 1
fi

echo "test deps: installing$missing"
$as_root apt-get update -qq
# $missing is a list of package names from this file, split on purpose.
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
