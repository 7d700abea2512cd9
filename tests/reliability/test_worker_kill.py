"""kill -9 of gunicorn workers in the middle of writes loses no confirmed write.

Writers keep liking (a fresh visitor each time); a like counts as confirmed when the server
answered it with the redirect and the "counted" message. Twenty times, at a random moment,
a worker that is serving is killed with SIGKILL; the master forks its replacement, which
may still be loading the app when the next kill comes (then the other worker is the
victim, or requests wait for a worker). Each kill waits until a like was confirmed since
the previous one (and the run ends with one more), so every kill falls among confirmed
writes however slow the machine. Afterwards every confirmed like is stored exactly once
and the database passes its integrity checks.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.figures import record
from tests.reliability.web import Browser, SessionReader

KILLS = 20
WRITERS = 3
CONFIRM_WAIT = 60.0  # seconds a new confirmed like may take after a kill before the test fails


def test_confirmed_likes_survive_kill_9_of_workers(site):
    nomination = site.data["review"]["candidates"][1]
    reader = SessionReader(site.deployment.secret_key)
    confirmed: list[str] = []
    outcomes: Counter[str] = Counter()
    stop = threading.Event()
    lock = threading.Lock()
    slowest = [0.0]  # seconds, the slowest confirmed like (page + post)

    def like_once() -> str:
        browser = Browser(site.url)
        began = time.monotonic()
        try:
            page = browser.get(f"/review/{nomination}")
            if page.status != 200:
                return f"page {page.status}"
            response = browser.post(f"/review/{nomination}/like", {"csrf_token": page.csrf_token()})
        except (OSError, http.client.HTTPException):
            return "interrupted"  # its worker died mid-request: not confirmed, may be stored
        flashes = {category for category, _ in reader.flashes(browser)}
        if response.status != 302 or "success" not in flashes:
            return f"answered {response.status} {sorted(flashes)}"
        with lock:
            confirmed.append(reader.session(browser)["visitor"])
            slowest[0] = max(slowest[0], time.monotonic() - began)
        return "confirmed"

    def writer() -> None:
        while not stop.is_set():
            outcome = like_once()
            with lock:
                outcomes[outcome] += 1

    def confirmed_since(count: int) -> bool:
        """Wait until more than `count` likes are confirmed (False after CONFIRM_WAIT)."""
        deadline = time.monotonic() + CONFIRM_WAIT
        while time.monotonic() < deadline:
            with lock:
                if len(confirmed) > count:
                    return True
            time.sleep(0.02)
        return False

    rng = random.Random()  # noqa: S311 - kill moments, not secrets
    kills_without_writes = 0
    server = site.server
    kills = 0
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(writer) for _ in range(WRITERS)]
        try:
            for _ in range(KILLS):
                server.wait_until_serving(at_least=1)
                with lock:
                    before = len(confirmed)
                kills_without_writes += not confirmed_since(before)
                time.sleep(rng.uniform(0.05, 0.5))
                victim = rng.choice([w for w in server.workers() if server.serving(w)])
                os.kill(victim, signal.SIGKILL)
                kills += 1
                server.wait_for_workers(gone=victim)
            server.wait_until_serving()
            with lock:
                before = len(confirmed)
            kills_without_writes += not confirmed_since(before)  # the last replacement writes
        finally:
            stop.set()
        for future in futures:
            future.result()
    seconds = time.monotonic() - started

    assert server.healthy()
    stored = [
        visitor
        for (visitor,) in site.database.rows(
            "SELECT visitor_id FROM likes WHERE nomination_id = ?", (nomination,)
        )
    ]
    lost = set(confirmed) - set(stored)
    duplicates = len(stored) - len(set(stored))
    checked = site.database.integrity()
    record(
        "reliability",
        **{
            f"{site.backend}.kills": kills,
            f"{site.backend}.confirmed_writes": len(confirmed),
            f"{site.backend}.interrupted_writes": outcomes["interrupted"],
            f"{site.backend}.stored_writes": len(stored),
            f"{site.backend}.writes_lost": len(lost),
            f"{site.backend}.duplicates": duplicates,
            f"{site.backend}.integrity": checked,
            f"{site.backend}.kill_run_seconds": round(seconds, 1),
            f"{site.backend}.slowest_confirmed_like_seconds": round(slowest[0], 2),
        },
    )
    assert kills == KILLS
    assert set(outcomes) <= {"confirmed", "interrupted"}, outcomes
    assert kills_without_writes == 0  # a like was confirmed before every kill and after the last
    assert outcomes["confirmed"] == len(confirmed) > KILLS
    assert lost == set()
    assert duplicates == 0
    # An interrupted like may have been committed before its worker died, never more.
    assert len(confirmed) <= len(stored) <= len(confirmed) + outcomes["interrupted"]
    assert checked == "ok"
