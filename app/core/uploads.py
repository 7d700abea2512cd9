"""Upload checks and storage: images verified by content, re-encoded without metadata."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.private import make_private_dir, write_private

# Pixel-flood guard: a 40-megapixel photo is plenty; anything larger is refused, not decoded.
Image.MAX_IMAGE_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
WEB_SIZE = 1600
THUMB_SIZE = 480
# One save of the nomination form: the files it may carry and the pixels decoded for them
# (each image is decoded to be checked, then again to be stored: about 1 s per 40 MP).
MAX_ATTACHMENTS_PER_REQUEST = 10
MAX_PIXELS_PER_REQUEST = 80_000_000
# What a refused upload tells the person who sent it, by UploadError.code.
UPLOAD_ERRORS = {
    "too_large": _l("The file is too large."),
    "not_image": _l("Not a JPEG, PNG or WebP image (judged by its content)."),
    "not_allowed": _l("Only PDF files or images are accepted."),
    "empty": _l("The file is empty."),
    "too_many_pixels": _l(
        "The images sent at once are too large together (at most 80 megapixels per save): "
        "send fewer or smaller images, then save again."
    ),
}

# What Pillow raises on a file that is not a sound image (bombs included).
DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


class UploadError(Exception):
    """`code`: too_large, not_image, not_allowed, empty, too_many_pixels."""

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


class PixelBudget:
    """The pixels one request may still decode; `take` reads only the image header."""

    def __init__(self, pixels: int) -> None:
        self.left = pixels

    def take(self, data: bytes) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as probe:
                    width, height = probe.size
        except DECODE_ERRORS as error:
            raise UploadError("not_image") from error
        if width * height > self.left:
            raise UploadError("too_many_pixels")
        self.left -= width * height


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
    except DECODE_ERRORS as error:
        raise UploadError("not_image") from error
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    ImageOps.exif_transpose(image, in_place=True)  # no copy of a large image when upright
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _fit(image: Image.Image, size: int) -> Image.Image:
    """`image` scaled down to fit size × size (never up); a box reduction first makes
    scaling a 40-megapixel photo cheap, LANCZOS then gives the final quality."""
    scale = size / max(image.size)
    if scale >= 1:
        return image
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=1.5)


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A fresh JPEG without `exif=`: EXIF, GPS and any other metadata are not carried over.
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def _new_name(root: Path, folder: str, suffix: str) -> tuple[Path, str]:
    relative = f"{folder}/{secrets.token_hex(16)}{suffix}"
    target = root / relative
    make_private_dir(target.parent)
    return target, relative


def store_photo(data: bytes, root: Path) -> StoredImage:
    """Re-encode a verified image at web size plus a thumbnail; returns relative paths."""
    web_image = _fit(_to_rgb(open_image(data)), WEB_SIZE)
    web, width, height = _encode(web_image), web_image.width, web_image.height
    thumb = _encode(_fit(web_image, THUMB_SIZE))
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
    encoded = _encode(_fit(image, 2400))
    target, relative = _new_name(root, "attachments", ".jpg")
    write_private(target, encoded)
    return relative, "image/jpeg"


def remove_files(root: Path, *relatives: str) -> None:
    for relative in relatives:
        (root / relative).unlink(missing_ok=True)
