"""SQL statements per request, counted in-process on the benchmark's database.

Prints one JSON object: {label: {"cold": n, "warm": n, "cold_ms": t}} where cold is the
first hit after a publication (the public data version is bumped and committed in this
process, as a publication does, which renders no page but warms the per-version aggregates
right after its commit) and warm the hit after it; cold_ms its latency.
Run by bench/run.py with the benchmark's environment (DATABASE_URL, HONORS_INSTANCE_PATH,
SECRET_KEY).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sessions import ballot_request, like_requests, login  # noqa: E402

from app import create_app  # noqa: E402
from app.core import public_data  # noqa: E402
from app.extensions import db  # noqa: E402


def main(endpoints: dict[str, str]) -> dict[str, dict[str, int]]:
    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False
    # Deterministic counts: the version check is counted on every warm hit (with the
    # default PUBLIC_VERSION_TTL a warm hit within the TTL costs no query at all).
    app.config["PUBLIC_VERSION_TTL"] = 0
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}
    event.listen(
        engine, "before_cursor_execute", lambda *a, **k: counter.__setitem__("n", counter["n"] + 1)
    )

    def client_calls(client):
        def get(path: str) -> tuple[int, str]:
            response = client.get(path)
            return response.status_code, response.get_data(as_text=True)

        def post(path: str, body: str) -> tuple[int, str]:
            response = client.post(
                path, data=body, content_type="application/x-www-form-urlencoded"
            )
            return response.status_code, response.get_data(as_text=True)

        return get, post

    def counted(call, *args) -> int:
        counter["n"] = 0
        status, _ = call(*args)
        if status >= 400:
            raise RuntimeError(f"{args[0]} answered {status}")
        return counter["n"]

    results: dict[str, dict[str, int]] = {}
    anonymous = app.test_client()
    get, post = client_calls(anonymous)
    for label, path in endpoints.items():
        with app.app_context():  # a publication: the version moves, aggregates are warmed
            public_data.bump()
            db.session.commit()
        started = time.perf_counter()
        cold = counted(get, path)
        cold_ms = round((time.perf_counter() - started) * 1000, 1)
        results[label] = {"cold": cold, "warm": counted(get, path), "cold_ms": cold_ms}

    _token, likes = like_requests(get)
    path, body = likes[0]
    results["like POST"] = {"cold": counted(post, path, body), "warm": counted(post, path, body)}
    # (the second like of the same candidate is refused: the visitor already liked it)

    member = app.test_client()
    member_get, member_post = client_calls(member)
    login(member_get, member_post, "demo-committee")
    path, body = ballot_request(member_get, member_post)
    results["ballot POST"] = {
        "cold": counted(member_post, path, body),
        "warm": counted(member_post, path, body),
    }
    return results


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
