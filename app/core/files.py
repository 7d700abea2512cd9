"""Serving stored images: read into memory (they are small, ≤ 1600 px JPEGs), so a client
that cancels the request never leaves an open file handle behind."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, abort, send_file


def send_image(path: Path, *, max_age: int, private: bool = False) -> Response:
    if not path.is_file():
        abort(404)
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="image/jpeg", max_age=max_age)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response
