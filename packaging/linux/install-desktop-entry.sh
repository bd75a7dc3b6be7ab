#!/usr/bin/env bash
# Put CSA Desktop in your desktop's application menu (for you only; no root needed):
#   ./install-desktop-entry.sh              add the menu entry, icons, and csa-desktop/csa to ~/.local/bin
#   ./install-desktop-entry.sh --uninstall  take them away again (your copy's data is left alone)
# Run it from the unpacked csa-desktop folder; run it again after moving that folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
resources="$here/_internal/csa_desktop/resources"
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin="$HOME/.local/bin"

refresh_caches() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications"
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor"
  command -v update-mime-database >/dev/null && update-mime-database "$data/mime"
  return 0
}
entry="$data/applications/csa-desktop.desktop"
metainfo="$data/metainfo/uk.gov.csa_desktop.metainfo.xml"
mime="$data/mime/packages/csa-desktop.xml"
sizes="16 32 48 64 128 256"

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$entry" "$metainfo" "$mime" "$data/icons/hicolor/scalable/apps/csa-desktop.svg"
  for size in $sizes; do rm -f "$data/icons/hicolor/${size}x${size}/apps/csa-desktop.png"; done
  for name in csa-desktop csa; do
    [ -L "$bin/$name" ] && [ "$(readlink "$bin/$name")" = "$here/$name" ] && rm -f "$bin/$name"
  done
  refresh_caches
  echo "CSA Desktop removed from the menu."
  exit 0
fi

[ -x "$here/csa-desktop" ] || { echo "run this script from the csa-desktop folder" >&2; exit 1; }
mkdir -p "$data/applications" "$data/metainfo" "$data/mime/packages" \
  "$data/icons/hicolor/scalable/apps" "$bin"
sed -e "s|^Exec=.*|Exec=\"$here/csa-desktop\" %F|" -e "s|^TryExec=.*|TryExec=$here/csa-desktop|" \
  "$resources/linux/csa-desktop.desktop" > "$entry"
cp "$resources/linux/uk.gov.csa_desktop.metainfo.xml" "$metainfo"
cp "$resources/linux/csa-desktop-mime.xml" "$mime"  # .csabundle files open in CSA Desktop
cp "$resources/icons/csa-desktop.svg" "$data/icons/hicolor/scalable/apps/csa-desktop.svg"
for size in $sizes; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$resources/icons/csa-desktop-$size.png" "$data/icons/hicolor/${size}x${size}/apps/csa-desktop.png"
done
ln -sf "$here/csa-desktop" "$bin/csa-desktop"
ln -sf "$here/csa" "$bin/csa"
refresh_caches
echo "CSA Desktop is in your application menu; csa-desktop and csa are in $bin."
