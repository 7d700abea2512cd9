"""`make bench`: the registry under load, measured against a hello-world Flask app.

1. A fresh database (SQLite in bench/.work/, or DATABASE_URL — which is wiped), migrated,
   with the demo data; SQL statements per request are counted, then again after
   `honors synth --honorees N` (the counts must not depend on the data size).
2. `honors backup` of the synthetic database, timed.
3. The app and bench/hello.py served by gunicorn with the same options (`make run`'s),
   each endpoint driven by wrk at 32 connections: cached (the same URL again and again)
   and uncached (a unique query parameter per request, so every request misses the page
   cache — as the first visitors after a publication do); a like POST from distinct
   visitors behind the proxy and a committee member's ballot POST.
4. The tally of 1,000 candidates × 50 members and the import of a 10,000-row file, timed.

Prints the table, checks the targets of issue 8, and writes bench/results/<db>.json|md
and the figures `make report` shows. Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from sessions import COMMITTEE_USERS, ballot_request, like_requests, login  # noqa: E402

DEFAULT_GUNICORN = (
    "--workers 2 --threads 4 --worker-class gthread --access-logfile - "
    "--forwarded-allow-ips 127.0.0.1"
)
APP_PORT, HELLO_PORT = 5390, 5391
SEARCH_WORD = "志愿者"
# Queries of one to four characters (the bigram index; one character is a surname).
SEARCH_WORDS = ("王", "李", "救人", "孝老", "志愿者", "老党员", "见义勇为", "孝老爱亲")
# A link shared in WeChat: tracking tags, reordered; it must hit /roll's cached page.
SHARED_LINK = "/roll?isappinstalled=0&from=singlemessage&utm_source=wechat&utm_medium=share"
GET_ENDPOINTS = {
    "/": "/",
    "/roll": "/roll",
    "/roll?page=200": "/roll?page=200",
    f"/roll?q={SEARCH_WORD}": "/roll?q=" + quote(SEARCH_WORD),
    "honoree page": "/honorees/lh-00001",
    "/stats": "/stats",
    "/feed.atom": "/feed.atom",
    "/api/v1/honorees": "/api/v1/honorees",
}
SEARCH_LABEL = f"/roll?q={SEARCH_WORD}"
TARGETS = {"cached": 0.6, "uncached": 0.2, "search": 0.3, "like": 0.3, "p99_ms": 100}


# ----------------------------------------------------------------------------- plumbing


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    return url or f"sqlite:///{WORK / 'bench.sqlite3'}"


def dialect(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


def app_env(url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HONORS_INSTANCE_PATH": str(WORK / "instance"),
        "SECRET_KEY": "bench-secret-key",
        "PYTHONPATH": str(ROOT),
    }
    # The cache and limits are per worker unless BENCH_REDIS_URL shares them through Redis.
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    env.update(extra)
    return env


def flask(url: str, *args: str) -> float:
    """Run `flask --app wsgi ARGS`; returns the wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=app_env(url),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def reset_database(url: str) -> None:
    shutil.rmtree(WORK / "instance", ignore_errors=True)
    if dialect(url) == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / "bench.sqlite3") + suffix).unlink(missing_ok=True)
        return
    import sqlalchemy as sa

    from app.config import normalize_database_url

    engine = sa.create_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def registry_names(url: str, count: int = 50) -> list[str]:
    """Two-character names of synthetic honorees, the searches visitors make most."""
    import sqlalchemy as sa

    from app.config import normalize_database_url

    engine = sa.create_engine(normalize_database_url(url))
    with engine.connect() as conn:
        names = conn.execute(
            sa.text("SELECT DISTINCT name FROM honorees WHERE length(name) = 2 ORDER BY name")
        ).scalars()
        found = list(names)
    engine.dispose()
    return random.Random(2).sample(found, min(count, len(found)))


def count_queries(url: str) -> dict[str, dict[str, int]]:
    output = subprocess.run(
        [str(BIN / "python"), str(BENCH / "querycount.py"), json.dumps(GET_ENDPOINTS)],
        cwd=ROOT,
        env=app_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


class Client:
    """A tiny HTTP client with one cookie (the session), redirects not followed."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address, self.cookie = port, address, ""

    def _send(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"X-Forwarded-For": self.address}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        return self._send("GET", path)

    def post(self, path: str, body: str) -> tuple[int, str]:
        return self._send("POST", path, body)


def start_server(spec: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    options = shlex.split(os.environ.get("GUNICORN_SERVER_OPTS", DEFAULT_GUNICORN))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), *options, "--bind", f"127.0.0.1:{port}", spec],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = Client(port, "127.0.0.1").get("/healthz" if spec == "wsgi:app" else "/")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{spec} did not start; see {log}")


def prime(port: int, path: str, clients: int = 16) -> None:
    """Concurrent first hits, waited for: both workers compute their caches before wrk."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda _n: Client(port, "127.0.0.1").get(path), range(clients)))


def drain(port: int) -> None:
    """Wait until the server answers at once: requests queued by the last row are done."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.perf_counter()
        Client(port, "127.0.0.1").get("/healthz")
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(
    port: int,
    lines: list[tuple[str, str, str, str]],
    *,
    duration: int,
    connections: int,
    bust: bool = False,
    xff: bool = False,
) -> dict[str, float]:
    requests_file = WORK / "requests.tsv"
    requests_file.write_text("".join("\t".join(line) + "\n" for line in lines))
    env = {
        **os.environ,
        "BENCH_REQUESTS": str(requests_file),
        "BENCH_BUST": "1" if bust else "0",
        "BENCH_XFF": "1" if xff else "0",
    }
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(BENCH / "requests.lua"),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"BENCH_JSON (\{.*\})", output)
    if not match:
        raise RuntimeError("wrk printed no summary:\n" + output)
    raw = json.loads(match.group(1))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors,
        "requests": raw["requests"],
    }


# ----------------------------------------------------------------------------- timings


def time_tally() -> dict[str, float]:
    """The pure tally (app/committee/tally.py) of 1,000 candidates × 50 members."""
    from app.committee import tally

    rng = random.Random(8)
    candidates = [
        tally.Candidate(id=i, category_id=i % 5, likes=rng.randint(0, 5000)) for i in range(1000)
    ]
    approvals = [
        tally.Ballot(member_id=m, approvals=frozenset(rng.sample(range(1000), 10)))
        for m in range(50)
    ]
    criteria = {"deeds": Fraction(1, 2), "influence": Fraction(1, 2)}
    scores = [
        tally.Ballot(
            member_id=m,
            scores={
                c: {"deeds": rng.randint(0, 10), "influence": rng.randint(0, 10)}
                for c in range(1000)
            },
        )
        for m in range(50)
    ]
    results = {}
    for label, ballots, settings in (
        ("approval", approvals, tally.Settings(quota=10, public_weight=Fraction(1, 5))),
        ("score", scores, tally.Settings(rule=tally.Rule.SCORE, quota=10, criteria=criteria)),
    ):
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            tally.tally(candidates, ballots, roster_size=50, settings=settings)
            runs.append(time.perf_counter() - started)
        results[label] = min(runs)
    return results


def write_import_file(path: Path, rows: int) -> None:
    """A 10,000-row history sheet in the city's column layout (CSV)."""
    from app.demo.data import CLASSIC_CATEGORIES  # noqa: F401  (categories exist in the demo)
    from app.importer.services import iter_template_rows

    rng = random.Random(10)
    districts = ("源汇区", "郾城区", "召陵区", "舞阳县", "临颍县")
    categories = ("助人为乐", "见义勇为", "诚实守信", "敬业奉献", "孝老爱亲")
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(next(iter_template_rows()))
        for i in range(rows):
            year, month = 2005 + i % 10, i % 12 + 1
            writer.writerow(
                [
                    f"导入{rng.choice('王李张刘陈杨赵黄周吴')}{i:05d}",
                    "个人",
                    "男" if i % 2 else "女",
                    str(1940 + i % 60),
                    "某社区居委会",
                    districts[i % len(districts)],
                    "luohe_good",
                    f"{year}-{month:02d}",
                    "",
                    "",
                    categories[i % len(categories)],
                    "市",
                    "",
                    f"热心助人的第{i}位好人",
                    "多年来坚持帮助邻里，照顾孤寡老人，受到群众一致好评。",
                ]
            )


# ----------------------------------------------------------------------------- the run


def measure_http(url: str, duration: int, connections: int) -> dict:
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    hello_env = {**os.environ, "PYTHONPATH": str(BENCH)}
    app = start_server(
        "wsgi:app",
        APP_PORT,
        app_env(url, TRUSTED_PROXIES="1", PAGE_CACHE_BYPASS_PARAM="_b"),
        logs / "app.log",
    )
    hello = start_server("hello:app", HELLO_PORT, hello_env, logs / "hello.log")
    rows: dict[str, dict] = {}
    try:

        def run(port, lines, **kw):
            wrk(port, lines, duration=1, connections=connections, **kw)  # warm-up
            drain(port)
            measured = wrk(port, lines, duration=duration, connections=connections, **kw)
            drain(port)
            return measured

        hello_runs = [run(HELLO_PORT, [("GET", "/", "", "")])]
        for label, path in GET_ENDPOINTS.items():
            prime(APP_PORT, path)
            rows[f"{label} (cached)"] = run(APP_PORT, [("GET", path, "", "")]) | {
                "kind": "search" if label == SEARCH_LABEL else "cached",
                "endpoint": label,
            }
        for label, path in GET_ENDPOINTS.items():
            lines = [("GET", path, "", "")]
            kind = "uncached"
            if label == SEARCH_LABEL:
                lines = [("GET", "/roll?q=" + quote(word), "", "") for word in SEARCH_WORDS]
                kind = "search"
            rows[f"{label} (uncached)"] = run(APP_PORT, lines, bust=True) | {
                "kind": kind,
                "endpoint": label,
            }
        names = "/roll?q=<2-character names from the registry>"
        name_lines = [("GET", "/roll?q=" + quote(name), "", "") for name in registry_names(url)]
        rows[f"{names} (uncached)"] = run(APP_PORT, name_lines, bust=True)
        rows[f"{names} (uncached)"] |= {"kind": "search", "endpoint": names}
        prime(APP_PORT, "/roll")
        rows["shared link (cached)"] = run(APP_PORT, [("GET", SHARED_LINK, "", "")]) | {
            "kind": "cached",
            "endpoint": "shared link",
        }

        like_lines = []
        for n in range(300):
            visitor = Client(APP_PORT, f"172.16.{n // 250}.{n % 250 + 1}")
            _token, likes = like_requests(visitor.get)
            like_lines += [("POST", path, visitor.cookie, body) for path, body in likes]
        random.Random(5).shuffle(like_lines)
        rows["like POST"] = run(APP_PORT, like_lines, xff=True) | {
            "kind": "like",
            "endpoint": "like POST",
        }

        ballot_lines = []
        for n, username in enumerate(COMMITTEE_USERS):
            member = Client(APP_PORT, f"172.17.0.{n + 1}")
            login(member.get, member.post, username)
            path, body = ballot_request(member.get, member.post)
            ballot_lines.append(("POST", path, member.cookie, body))
        rows["ballot POST"] = run(APP_PORT, ballot_lines) | {
            "kind": "ballot",
            "endpoint": "ballot POST",
        }
        hello_runs.append(run(HELLO_PORT, [("GET", "/", "", "")]))
        app_rss = max(peak_rss_mb(pid) for pid in workers(app.pid))
        hello_rss = max(peak_rss_mb(pid) for pid in workers(hello.pid))
    finally:
        for process in (app, hello):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    hello_rps = statistics.mean(run["rps"] for run in hello_runs)
    for row in rows.values():
        row["ratio"] = row["rps"] / hello_rps
    return {
        "hello": {
            "rps": hello_rps,
            "p50_ms": statistics.mean(r["p50_ms"] for r in hello_runs),
            "p99_ms": max(r["p99_ms"] for r in hello_runs),
            "errors": sum(r["errors"] for r in hello_runs),
            "rss_mb": hello_rss,
        },
        "rows": rows,
        "app_rss_mb": app_rss,
    }


def check_targets(result: dict) -> list[str]:
    misses = []
    for name, row in result["http"]["rows"].items():
        target = TARGETS.get(row["kind"])
        if target is not None and row["ratio"] < target:
            misses.append(f"{name}: ratio {row['ratio']:.2f} < {target}")
        if row["p99_ms"] > TARGETS["p99_ms"]:
            misses.append(f"{name}: p99 {row['p99_ms']:.0f} ms > {TARGETS['p99_ms']} ms")
        if row["errors"]:
            misses.append(f"{name}: {row['errors']} errors")
    for label, counts in result["queries_large"].items():
        small = result["queries_small"].get(label)
        keys = ("cold", "warm")
        if small and [small[k] for k in keys] != [counts[k] for k in keys]:
            misses.append(f"{label}: queries {small} with the demo data, {counts} at 100k")
    if max(result["tally_s"].values()) > 1:
        misses.append(f"tally {max(result['tally_s'].values()):.2f} s > 1 s")
    if result["import_s"] > 30:
        misses.append(f"import {result['import_s']:.1f} s > 30 s")
    return misses


def render(result: dict) -> str:
    http = result["http"]
    hello = http["hello"]
    queries = result["queries_large"]
    lines = [
        f"Run {result['date']} on {result['machine']}, database {result['database']}, "
        f"{result['honorees']:,} synthetic honorees, wrk {result['connections']} connections "
        f"× {result['duration']} s per row, gunicorn `{result['gunicorn']}`.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | errors | ratio to hello | SQL/request |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| hello-world Flask | {hello['rps']:.0f} | {hello['p50_ms']:.1f} | "
        f"{hello['p99_ms']:.1f} | {hello['errors']} | 1.00 | – |",
    ]
    for name, row in http["rows"].items():
        count = queries.get(row["endpoint"], {})
        sql = count.get("warm" if "(cached)" in name else "cold", "–")
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['errors']} | {row['ratio']:.2f} | {sql} |"
        )
    lines += [
        "",
        f"Peak RSS per worker: app {http['app_rss_mb']:.0f} MB, hello-world "
        f"{hello['rss_mb']:.0f} MB.",
        "",
        "| timing | seconds |",
        "|---|---:|",
        f"| `honors synth --honorees {result['honorees']}` | {result['synth_s']:.1f} |",
        f"| `honors backup` of that database ({result['backup_mb']:.0f} MB) | "
        f"{result['backup_s']:.1f} |",
        f"| tally, 1,000 × 50, approval rule | {result['tally_s']['approval']:.3f} |",
        f"| tally, 1,000 × 50, score rule (2 criteria) | {result['tally_s']['score']:.3f} |",
        f"| `honors import` of a 10,000-row file | {result['import_s']:.1f} |",
        "",
        "SQL statements per request (cold = first hit after a publication / warm = cached), "
        "with the demo data and with the synthetic registry:",
        "",
        "| endpoint | demo data | synthetic registry | first hit after a publication |",
        "|---|---|---|---:|",
    ]
    for label, counts in queries.items():
        small = result["queries_small"].get(label, {})
        cold_ms = f"{counts['cold_ms']:.0f} ms" if "cold_ms" in counts else "–"
        lines.append(
            f"| {label} | {small.get('cold', '–')} / {small.get('warm', '–')} | "
            f"{counts['cold']} / {counts['warm']} | {cold_ms} |"
        )
    lines += ["", "Targets: " + ("all met." if not result["misses"] else "missed:")]
    lines += [f"- {miss}" for miss in result["misses"]]
    return "\n".join(lines) + "\n"


def update_readme(db: str, text: str) -> None:
    readme = BENCH / "README.md"
    start, end = f"<!-- results:{db} -->", f"<!-- /results:{db} -->"
    content = readme.read_text() if readme.exists() else ""
    block = f"{start}\n{text}{end}"
    if start in content and end in content:
        content = re.sub(
            re.escape(start) + r".*?" + re.escape(end), lambda _m: block, content, flags=re.S
        )
    else:
        content += f"\n## Latest run: {db}\n\n{block}\n"
    readme.write_text(content)


def record_figures(db: str, result: dict) -> None:
    from tests.figures import record

    ratios = {
        f"ratio {name}": round(row["ratio"], 2) for name, row in result["http"]["rows"].items()
    }
    record(
        f"bench-{db}",
        hello_rps=round(result["http"]["hello"]["rps"]),
        targets_missed=len(result["misses"]),
        tally_s=round(max(result["tally_s"].values()), 3),
        import_s=round(result["import_s"], 1),
        **ratios,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--honorees", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk row")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt)")
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    url = database_url()
    db = dialect(url)
    print(f"== database {db}; fresh schema, demo data")
    reset_database(url)
    flask(url, "db", "upgrade")
    flask(url, "honors", "demo")
    queries_small = count_queries(url)
    print(f"== honors synth --honorees {args.honorees}")
    synth_s = flask(url, "honors", "synth", "--honorees", str(args.honorees))
    queries_large = count_queries(url)
    print("== honors backup")
    backup_path = WORK / ("backup.sqlite3" if db == "sqlite" else "backup.dump")
    backup_path.unlink(missing_ok=True)
    backup_s = flask(url, "honors", "backup", str(backup_path))
    print(f"== load: wrk, {args.connections} connections, {args.duration} s per row")
    http = measure_http(url, args.duration, args.connections)
    print("== tally and import")
    tally_s = time_tally()
    import_file = WORK / "import-10000.csv"
    write_import_file(import_file, 10_000)
    import_s = flask(url, "honors", "import", str(import_file))
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} ({os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()})",
        "database": db,
        "honorees": args.honorees,
        "connections": args.connections,
        "duration": args.duration,
        "gunicorn": os.environ.get("GUNICORN_SERVER_OPTS", DEFAULT_GUNICORN),
        "http": http,
        "queries_small": queries_small,
        "queries_large": queries_large,
        "synth_s": synth_s,
        "backup_s": backup_s,
        "backup_mb": backup_path.stat().st_size / 1e6,
        "tally_s": tally_s,
        "import_s": import_s,
    }
    result["misses"] = check_targets(result)
    text = render(result)
    (RESULTS / f"{db}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (RESULTS / f"{db}.md").write_text(text)
    update_readme(db, text)
    record_figures(db, result)
    print()
    print(text)


if __name__ == "__main__":
    main()
