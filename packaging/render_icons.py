"""Render resources/icons/csa-desktop.svg to the committed PNG sizes and the Windows .ico.

Run after changing the SVG:  .venv/bin/python packaging/render_icons.py
Uses Qt's SVG renderer (offscreen), so it needs nothing beyond the project's venv.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "csa-desktop.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / f"csa-desktop-{size}.png"


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    for size in PNG_SIZES:
        png_path(size).write_bytes(render_png(size))
    # Each .ico entry is rendered at its own size (sharper than Pillow's downscaling).
    frames = [Image.open(io.BytesIO(render_png(size))) for size in ICO_SIZES]
    frames[-1].save(ICONS / "csa-desktop.ico", format="ICO",
                    sizes=[(s, s) for s in ICO_SIZES], append_images=frames[:-1])
    print(f"wrote {len(PNG_SIZES)} PNGs and csa-desktop.ico in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
