"""gunicorn hooks of the reliability suite (`-c python:tests.reliability.gunicorn_hooks`).

The server settings stay the Makefile's; this only lets a test see when a worker has
loaded the application and serves (a worker still importing it must not count as up).
"""

from __future__ import annotations

import os
from pathlib import Path


def post_worker_init(worker) -> None:
    ready = os.environ.get("RELIABILITY_READY_DIR")
    if ready:
        (Path(ready) / str(worker.pid)).touch()
