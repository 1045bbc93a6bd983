#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh - install what apmatrix needs to build and test, from Debian/Ubuntu
# packages.  Does nothing when everything is there; uses sudo when not root.
# clang and its runtimes (libclang-rt-dev, libclang-rt-14-dev on Debian 12)
# build the libFuzzer harnesses of tests/fuzz/.
set -eu
pkgs="build-essential autoconf automake libtool pkg-config libncurses-dev libudev-dev
libinih-dev libjson-c-dev libxml2-dev libcmocka-dev python3 clang-format strace bc uuid-runtime tmux
time libvirt-clients clang libclang-rt-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
