"""Small images built in memory for the attachment tests, hostile ones named after their attack."""

from __future__ import annotations

import io
import struct
import zlib


def png(width: int = 40, height: int = 30, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 40, height: int = 30, colour: tuple[int, int, int] = (30, 90, 200)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG of a few hundred bytes that claims `width` × `height` pixels of
    greyscale: decoding it would need gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1000, 9)  # the start of the (all black) picture
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + \
        _chunk(b"IEND", b"")


def truncated_png() -> bytes:
    """A PNG cut off half way: its signature is right, its picture is not there."""
    data = png(200, 200)
    return data[: len(data) // 2]


def oversized_png(size: int = 5 * 1024 * 1024 + 1) -> bytes:
    """A real PNG padded past the 5 MB limit with a private ancillary chunk."""
    data = png()
    pad = size - len(data) - 12
    return data[:-12] + _chunk(b"prVt", b"\x00" * pad) + data[-12:]
