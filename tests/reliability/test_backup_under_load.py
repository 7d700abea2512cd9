"""`honors backup` while likes and ballots keep coming: the copy is one consistent moment.

The backup runs against the live site while writers keep POSTing; restored into a fresh
database it passes the integrity checks, every table holds between the rows counted before
and after the backup, and rows written in one transaction (a ballot, its version, its audit
event) are all there or all absent. Once the writes stop, a second backup restores to
exactly the live row counts and the same committee tally.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.figures import record
from tests.reliability.conftest import new_deployment
from tests.reliability.web import Browser


def _torn_ballots(database) -> int:
    """Ballots whose version number disagrees with their stored versions or audit events."""
    versions = database.scalar(
        "SELECT count(*) FROM ballots b WHERE b.version <> "
        "(SELECT count(*) FROM ballot_versions v WHERE v.ballot_id = b.id)"
    )
    audited = database.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'ballot.submitted'"
    ) - database.scalar("SELECT count(*) FROM ballot_versions")
    return versions + abs(audited)


def test_backup_during_writes_restores_a_consistent_snapshot(site, databases, tmp_path):
    deployment = site.deployment
    voting = site.data["voting"]
    nomination = site.data["review"]["candidates"][2]
    page = f"/committee/cycles/{voting['cycle']}"
    judges = []
    for username in voting["members"][1:3]:
        judge = Browser(site.url)
        assert judge.login(username, site.data["password"]).status == 302
        judges.append((judge, judge.get(page).csrf_token()))
    first, second, third, fourth = voting["candidates"]
    choices = [[first, second], [third, fourth], [first, fourth]]
    written: Counter[str] = Counter()
    stop = threading.Event()

    def like_writer() -> None:
        while not stop.is_set():
            visitor = Browser(site.url)
            token = visitor.get(f"/review/{nomination}").csrf_token()
            if visitor.post(f"/review/{nomination}/like", {"csrf_token": token}).status == 302:
                written["likes"] += 1

    def ballot_writer(judge: Browser, token: str) -> None:
        for approvals in itertools.cycle(choices):
            if stop.is_set():
                return
            if judge.post(page, {"csrf_token": token, "approve": approvals}).status == 302:
                written["ballots"] += 1

    backup = tmp_path / "during.backup"
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(like_writer)]
        futures += [pool.submit(ballot_writer, judge, token) for judge, token in judges]
        try:
            while written["likes"] < 5 or written["ballots"] < 5:
                time.sleep(0.05)
            before = site.database.counts()
            started = time.monotonic()
            deployment.flask("honors", "backup", str(backup))
            backup_seconds = time.monotonic() - started
            after = site.database.counts()
            time.sleep(0.3)
        finally:
            stop.set()
        for future in futures:
            future.result()

    during = new_deployment(databases, site.backend, tmp_path / "during", deployment.keys)
    during.flask("honors", "restore", str(backup), "--yes")
    restored = during.database.counts()
    out_of_bounds = {t: (before[t], restored[t], after[t]) for t in before}
    out_of_bounds = {t: v for t, v in out_of_bounds.items() if not v[0] <= v[1] <= v[2]}
    torn = _torn_ballots(during.database)
    checked = during.database.integrity()

    quiet = site.database.counts()
    settled = tmp_path / "settled.backup"
    deployment.flask("honors", "backup", str(settled))
    again = new_deployment(databases, site.backend, tmp_path / "settled", deployment.keys)
    again.flask("honors", "restore", str(settled), "--yes")
    live_tally = deployment.tally(voting["cycle"])
    restored_tally = again.tally(voting["cycle"])

    writes_during = sum(after[t] - before[t] for t in ("likes", "ballot_versions"))
    record(
        "reliability",
        **{
            f"{site.backend}.backup_seconds": round(backup_seconds, 1),
            f"{site.backend}.writes_during_backup": writes_during,
            f"{site.backend}.restored_rows": sum(restored.values()),
            f"{site.backend}.restored_tables_out_of_bounds": len(out_of_bounds),
            f"{site.backend}.restored_torn_ballots": torn,
            f"{site.backend}.restored_integrity": checked,
            f"{site.backend}.settled_restore_equal": str(again.database.counts() == quiet),
            f"{site.backend}.settled_tally_equal": str(restored_tally == live_tally),
        },
    )
    assert writes_during > 0  # the backup really ran while the site was writing
    assert out_of_bounds == {}
    assert torn == 0
    assert checked == "ok"
    assert again.database.counts() == quiet
    assert restored_tally == live_tally
    assert live_tally["ballots_cast"] >= 2
