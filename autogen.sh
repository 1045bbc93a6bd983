#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# autogen.sh - generate the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf --force --install --symlink
