#!/usr/bin/env bash
# Build the one-folder Linux program and its download archive:
#   packaging/build-linux.sh [DIST_DIR]     (default: dist/)
# gives DIST_DIR/csa-desktop/ (run csa-desktop, or csa for the command line tool) and
# DIST_DIR/csa-desktop-VERSION-linux-ARCH.tar.gz. PyInstaller is a build-only tool: it goes
# into the project's .venv from packaging/requirements-build.txt, never into the runtime
# dependencies. Set CSA_BUILD_WORK to keep PyInstaller's work files elsewhere than build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)
work=${CSA_BUILD_WORK:-$root/build/pyinstaller}
venv=${CSA_VENV:-$root/.venv}
cd "$root"

# Qt's X11 platform plugin needs these at run time; bundled when present here, so a build
# machine without them makes a program that needs them installed on the user's machine.
for lib in libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxkbcommon-x11.so.0; do
  ldconfig -p 2>/dev/null | grep -q "$lib" ||
    echo "build-linux: $lib not found; it will not be bundled (apt: ${lib%%.so*} package)" >&2
done

python3 run csa --version >/dev/null   # builds .venv from requirements.lock when needed
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r packaging/requirements-build.txt

start=$(date +%s)
"$venv/bin/python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/csa-desktop.spec
program="$dist/csa-desktop"
install -m 755 packaging/linux/install-desktop-entry.sh "$program/install-desktop-entry.sh"

version=$("$program/csa" --version | awk '{print $NF}')
archive="$dist/csa-desktop-$version-linux-$(uname -m).tar.gz"
tar -C "$dist" -czf "$archive" csa-desktop
echo "built $program ($(du -sh "$program" | cut -f1)) in $(( $(date +%s) - start )) s"
echo "archive $archive ($(du -h "$archive" | cut -f1))"
