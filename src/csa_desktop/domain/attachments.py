"""Attachments: the images long text refers to (`![alt](attachment:UID)`), their rules and the
one check of their bytes that adding an image and the bundle gate share.

An attachment's uid derives from the SHA-256 of its bytes, so the same image added twice, in
one copy or in two, is one record. Its type is read from the bytes, never from a file name,
and the bytes are decoded (Pillow, with a pixel limit against decompression bombs) before
anything is kept.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass

from csa_desktop.errors import InputError

MEDIA_TYPES = ("image/png", "image/jpeg")
MAX_BYTES = 5 * 1024 * 1024
"""The largest attachment (5 MB)."""
MAX_PIXELS = 40_000_000
"""The most pixels an image may decode to (about 7,300 × 5,500): far beyond any logo or
diagram, far below what a small PNG can claim to hold (a decompression bomb)."""
MEMBER_PREFIX = "attachments/"
MEMBER_NAME = re.compile(r"^attachments/([0-9a-f]{64})$")
"""How a bundle names an attachment's member: by the SHA-256 of its bytes."""

UID_NAMESPACE = uuid.UUID("0c1f8a3e-7b52-5d4e-8a6f-3e9b2d7c4a15")
"""The namespace of attachment uids (fixed for ever: changing it would split records)."""

_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
_PILLOW_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}


@dataclass(frozen=True)
class ImageFacts:
    """What checking an image's bytes found."""

    sha256: str
    media_type: str
    size: int
    width: int
    height: int


def attachment_uid(sha256: str) -> str:
    """The uid of the attachment whose bytes have this SHA-256 (a UUID5)."""
    return str(uuid.uuid5(UID_NAMESPACE, sha256))


def member_name(sha256: str) -> str:
    return f"{MEMBER_PREFIX}{sha256}"


def markdown_reference(uid: str, alt_text: str) -> str:
    """The Markdown that shows the attachment in a long text: `![alt](attachment:UID)`, the
    alt text with the characters Markdown would read as markup escaped."""
    alt = re.sub(r"([\\\[\]*_`!<>])", r"\\\1", " ".join(alt_text.split()))
    return f"![{alt}](attachment:{uid})"


def sniff_media_type(data: bytes) -> str | None:
    """The type the bytes say they are (PNG or JPEG), whatever the file is called."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def too_large(what: str, size: int) -> str:
    """The message refusing an image of `size` bytes."""
    shown = f"{size / (1 << 20):.1f} MB, " if size >= 1 << 20 else ""
    return (f"{what} is {shown}{size:,} bytes; an attachment may be at most 5 MB "
            f"({MAX_BYTES:,} bytes)")


def check_image(data: bytes, what: str) -> ImageFacts:
    """The facts of an image that may be attached, or an InputError naming `what` (a file, a
    bundle member) and the reason: too large, not a PNG or JPEG by its bytes, too many pixels,
    or damaged (it does not decode)."""
    if len(data) > MAX_BYTES:
        raise InputError(too_large(what, len(data)))
    media_type = sniff_media_type(data)
    if media_type is None:
        raise InputError(f"{what} is not a PNG or JPEG image (its bytes say so, whatever its "
                         "name)")
    width, height = _decode(data, media_type, what)
    return ImageFacts(hashlib.sha256(data).hexdigest(), media_type, len(data), width, height)


def _decode(data: bytes, media_type: str, what: str) -> tuple[int, int]:
    from PIL import Image

    damaged = f"{what} is a damaged {EXTENSIONS[media_type][1:].upper()} image"
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(_PILLOW_FORMATS)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise InputError(
                        f"{what} claims {width:,} × {height:,} pixels, more than an attachment "
                        f"may decode to ({MAX_PIXELS:,} pixels; a decompression bomb?)")
                if _PILLOW_FORMATS.get(image.format or "") != media_type:
                    raise InputError(damaged)
                image.load()  # the whole decode: truncated or corrupt data fails here
        except InputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InputError(f"{what} decodes to more pixels than an attachment may hold (a "
                             "decompression bomb?)") from None
        except Exception:  # hostile bytes: whatever the decoder trips over, it is damaged
            raise InputError(damaged) from None
    return width, height
