"""Upload checks and storage: images verified by content, re-encoded without metadata."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.private import make_private_dir, write_private

# Pixel-flood guard: a 40-megapixel photo is plenty; anything larger is refused, not decoded.
Image.MAX_IMAGE_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
WEB_SIZE = 1600
THUMB_SIZE = 480


class UploadError(Exception):
    """`code`: too_large, not_image, not_allowed, empty."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StoredImage:
    path: str
    thumb_path: str
    width: int
    height: int


def read_limited(stream, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError("too_large")
    if not data:
        raise UploadError("empty")
    return data


def open_image(data: bytes) -> Image.Image:
    """Decode JPEG/PNG/WebP only, judged by content; anything else raises UploadError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_FORMATS:
                raise UploadError("not_image")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except UploadError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UploadError("not_image") from error
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, size: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh JPEG without `exif=`: EXIF, GPS and any other metadata are not carried over.
    copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def _new_name(root: Path, folder: str, suffix: str) -> tuple[Path, str]:
    relative = f"{folder}/{secrets.token_hex(16)}{suffix}"
    target = root / relative
    make_private_dir(target.parent)
    return target, relative


def store_photo(data: bytes, root: Path) -> StoredImage:
    """Re-encode a verified image at web size plus a thumbnail; returns relative paths."""
    image = _to_rgb(open_image(data))
    web, width, height = _encode(image, WEB_SIZE)
    thumb, _w, _h = _encode(image, THUMB_SIZE)
    web_path, web_rel = _new_name(root, "photos", ".jpg")
    thumb_path, thumb_rel = _new_name(root, "photos", "-thumb.jpg")
    write_private(web_path, web)
    write_private(thumb_path, thumb)
    return StoredImage(path=web_rel, thumb_path=thumb_rel, width=width, height=height)


def store_attachment(data: bytes, root: Path) -> tuple[str, str]:
    """A PDF kept as sent, or an image re-encoded; returns (relative path, content type)."""
    if data.startswith(b"%PDF-"):
        target, relative = _new_name(root, "attachments", ".pdf")
        write_private(target, data)
        return relative, "application/pdf"
    try:
        image = _to_rgb(open_image(data))
    except UploadError as error:
        raise UploadError("not_allowed") from error
    encoded, _w, _h = _encode(image, 2400)
    target, relative = _new_name(root, "attachments", ".jpg")
    write_private(target, encoded)
    return relative, "image/jpeg"


def remove_files(root: Path, *relatives: str) -> None:
    for relative in relatives:
        (root / relative).unlink(missing_ok=True)
