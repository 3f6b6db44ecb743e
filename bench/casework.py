"""Case-handling benchmark: the Tim WBS's pages on a database of 100,000 seeded reports — the
inbox with its filters, the case page, one workflow transition and the dashboard — over real
HTTP with real staff log-ins (password + TOTP), sequential, after warm-up.

Set-up: the staff users (Verifikator, Inspektur, Penanggung Jawab, Pembina, one Penelaah per
Irban area) are created first so the seed seals grants to them; then `manage.py seed_reports`
(timed: the issue asks that N = 100,000 runs in reasonable time) and VACUUM ANALYZE. Query
counts per page come from an in-process run afterwards (bench/profile_casework.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import time

from harness import (
    PYTHON,
    REDIS_URL,
    ROOT,
    Browser,
    CpuMeter,
    Server,
    log,
    quiet_measure,
    staff_login,
    timed,
    wait_quiet,
)

NAME = "casework"

# The targets (2-core machine), see bench/README.md.
TARGET_INBOX_P95_MS = 100
TARGET_CASE_P95_MS = 150
TARGET_DASHBOARD_P95_MS = 300

WILAYAH = ["irban-1", "irban-2", "irban-3", "irban-4", "investigasi"]
VERIFIKATOR = "bench-verifikator"
INSPEKTUR = "bench-inspektur"
PJ = "bench-pj"
PEMBINA = "bench-pembina"
PENELAAH = "bench-penelaah-irban-1"  # the one whose pages are measured
STAFF = [
    (VERIFIKATOR, ["verifikator"], None),
    (INSPEKTUR, ["inspektur"], None),
    (PJ, ["penanggung_jawab"], None),
    (PEMBINA, ["pembina"], None),
    *[(f"bench-penelaah-{code}", ["penelaah"], code) for code in WILAYAH],
]
SEED = 1


def add_arguments(parser) -> None:
    group = parser.add_argument_group("casework (also uses --requests, --warmup, --profile)")
    group.add_argument(
        "--reports",
        type=int,
        default=100_000,
        metavar="N",
        help="reports seeded before the casework measurements (default 100000)",
    )
    group.add_argument(
        "--transitions",
        type=int,
        default=30,
        metavar="N",
        help="start_verification transitions measured (default 30)",
    )
    group.add_argument(
        "--no-queries",
        action="store_true",
        help="skip the in-process run that counts SQL queries per page",
    )


# --- set-up ----------------------------------------------------------------------------------


def seed(server: Server, count: int, args, results: dict) -> None:
    """seed_reports --count N (timed, with the CPU it used), then VACUUM ANALYZE."""
    wait_quiet(args.quiet_wait)
    log(f"seeding {count} reports (manage.py seed_reports --count {count} --seed {SEED})")
    meter = CpuMeter([]).start()
    started = time.perf_counter()
    output, _process = server.manage_live(
        "seed_reports", "--count", str(count), "--seed", str(SEED), timeout=4 * 3600
    )
    wall = time.perf_counter() - started
    cpu = meter.stop()
    reported = re.search(r"Created \d+ fictional reports in ([\d.]+) s", output)
    log("VACUUM ANALYZE")
    started = time.perf_counter()
    server.sql("VACUUM ANALYZE")
    vacuum = time.perf_counter() - started
    rows = {
        table: server.sql(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 - fixed names
        for table in (
            "cases_report",
            "cases_statuschange",
            "cases_accused",
            "vault_keygrant",
            "cases_reviewversion",
            "cases_followup",
            "cases_resultreport",
        )
    }
    size = server.sql("SELECT pg_database_size(current_database())")[0][0]
    results["seed"] = {
        "reports": count,
        "wall_s": round(wall, 1),
        "command_reported_s": float(reported.group(1)) if reported else None,
        "reports_per_s": round(count / wall, 1),
        "vacuum_analyze_s": round(vacuum, 1),
        "rows": rows,
        "database_mib": round(size / 2**20, 1),
        "machine_busy_cores": cpu["machine_busy_cores"],
        "cores_by_group": cpu["cores_by_group"],
    }
    # The seeder is a child of this process: once reaped, its CPU time is counted in ours.
    groups = results["seed"]["cores_by_group"]
    groups["seed_command"] = groups.pop("bench_client")
    log(f"  seeded in {wall:.1f} s ({count / wall:.0f} reports/s), VACUUM ANALYZE {vacuum:.1f} s")


def pick(server: Server, n: int, warm: int, transitions: int, retries: int, profile: int) -> dict:
    """The reports and ids the measurements use, chosen in SQL (deterministic order)."""

    def numbers(where: str, params: tuple, limit: int) -> list[str]:
        return [
            row[0]
            for row in server.sql(
                "SELECT registration_number FROM cases_report "  # noqa: S608 - fixed fragments
                f"WHERE {where} ORDER BY md5(registration_number) LIMIT %s",
                (*params, limit),
            )
        ]

    users = dict(server.sql("SELECT username, id FROM accounts_user"))
    penelaah_id = users[PENELAAH]
    category_id, category_n = server.sql(
        "SELECT c.id, count(r.id) FROM directory_category c JOIN cases_report r "
        "ON r.category_id = c.id GROUP BY c.id ORDER BY c.id LIMIT 1"
    )[0]
    wilayah_id = server.sql("SELECT id FROM directory_wilayah WHERE code = 'irban-1'")[0][0]
    by_status = dict(server.sql("SELECT status, count(*) FROM cases_report GROUP BY status"))
    today = server.sql("SELECT current_date")[0][0]
    overdue = server.sql(
        "SELECT count(*) FROM cases_report WHERE stage_due_on < %s AND NOT clock_paused", (today,)
    )[0][0]
    assigned = server.sql(
        "SELECT status, count(*) FROM cases_report WHERE assignee_id = %s GROUP BY status",
        (penelaah_id,),
    )
    # The in-process query count needs a few DITERIMA reports of its own (warm-up, capture,
    # repeats, profile); each HTTP attempt takes warm + transitions, up to 1 + retries attempts.
    own = 2 + 5 + profile
    per_attempt = warm + transitions
    received = numbers("status = 'DITERIMA'", (), own + per_attempt * (1 + retries))
    if len(received) < own + per_attempt:
        raise RuntimeError(
            f"only {len(received)} reports in DITERIMA, {own + per_attempt} needed: "
            "seed more (--reports) or measure fewer (--transitions)"
        )
    return {
        "sample": numbers("TRUE", (), warm + n),
        "assigned": numbers("assignee_id = %s", (penelaah_id,), warm + n),
        "received": received[own:],
        "received_in_process": received[:own],
        "category_id": category_id,
        "category_reports": category_n,
        "wilayah_id": wilayah_id,
        "facts": {
            "reports_by_status": by_status,
            "overdue": overdue,
            "penelaah_irban1_by_status": dict(assigned),
        },
    }


# --- staff sessions --------------------------------------------------------------------------


class Staff:
    """One person's browser session; logs in again if the session ended (30 idle minutes)."""

    def __init__(self, server: Server, username: str):
        self.server = server
        self.username = username
        self.browser = Browser(server.port)
        self.login_seconds: float | None = None

    def log_in(self) -> None:
        creds = self.server.credentials[self.username]
        self.server.reset_totp_counter(self.username)
        self.browser = Browser(self.server.port)
        started = time.perf_counter()
        staff_login(self.browser, self.username, creds["password"], creds["totp_secret"])
        self.login_seconds = time.perf_counter() - started

    def ensure(self) -> None:
        response = self.browser.get("/staf/")
        location = response.header("Location") or ""
        if response.status != 302 or "/staf/masuk/" in location:
            log(f"  {self.username}: session ended, logging in again")
            self.log_in()

    def get(self, path: str, expect: int = 200, contains: bytes | None = None):
        response = self.browser.get(path)
        if response.status != expect:
            raise RuntimeError(
                f"{self.username} GET {path}: HTTP {response.status} (expected {expect}), "
                f"Location {response.header('Location')}"
            )
        if contains is not None and contains not in response.body:
            raise RuntimeError(f"{self.username} GET {path}: {contains!r} not in the page")
        return response

    def transition(self, number: str, action: str):
        path = f"/staf/laporan/{number}/aksi/{action}/"
        response = self.browser.post(path)
        location = response.header("Location") or ""
        if response.status != 302 or f"/staf/laporan/{number}/" not in location:
            raise RuntimeError(
                f"{self.username} POST {path}: HTTP {response.status}, Location {location!r}: "
                f"{response.body[:300]!r}"
            )
        # A browser would follow to the case page, which shows (and so consumes) the flash
        # message; dropping it keeps the cookie from growing over the measured POSTs.
        self.browser.cookies.pop("messages", None)
        return response


# --- measurements ----------------------------------------------------------------------------


def invalidate_figures_cache() -> None:
    """What every submission or workflow step does (wbs.cases.versioning.bump): move the
    reports' metadata version on, so no cached inbox count or figure is reachable any more.
    The key is Django's RedisCache key for "wbs:reports:version" (prefix "", version 1)."""
    import redis  # installed with Django's Redis cache backend

    redis.Redis.from_url(REDIS_URL).incr(":1:wbs:reports:version")


def latency(
    args, server: Server, staff: Staff, name: str, paths: list[str], verify=None, cold=False
) -> dict:
    """`--warmup` GETs, then `--requests` sequential GETs cycling through `paths` (the first
    `--warmup` paths are the warm-up's when there are enough). `verify(path, response)` may
    check each page's content. `cold`: invalidate the figures cache before every request (the
    worst case: a change to some report just before each page view)."""
    warm, n = args.warmup, args.requests
    rest = paths[warm:] if len(paths) > warm else paths
    log(f"{name}: {n} requests over {len(set(rest))} different URL(s)")

    def get(path: str):
        if cold:
            invalidate_figures_cache()
        response = staff.get(path)
        if verify is not None:
            verify(path, response)
        return response

    def measure() -> dict:
        staff.ensure()
        for i in range(warm):
            get(paths[i % len(paths)])
        return timed(server.worker_pids(), n, lambda i: get(rest[i % len(rest)]))

    result = quiet_measure(args, server.worker_pids, name, measure)
    result["distinct_paths"] = len(set(rest))
    result["example_path"] = rest[0]
    return result


def transitions(args, server: Server, staff: Staff, numbers: list[str]) -> dict:
    """start_verification on DITERIMA reports, each report once: a repeated (disturbed)
    measurement takes fresh reports, as many times as the reserved reports allow."""
    warm, count = args.warmup, args.transitions
    pool = list(numbers)
    log(f"transition start_verification: {count} POSTs")

    def measure() -> dict:
        staff.ensure()
        for _ in range(warm):
            staff.transition(pool.pop(0), "start_verification")
        batch = [pool.pop(0) for _ in range(count)]
        result = timed(
            server.worker_pids(), count, lambda i: staff.transition(batch[i], "start_verification")
        )
        moved = server.sql(
            "SELECT count(*) FROM cases_report WHERE status = 'VERIFIKASI' "
            "AND registration_number = ANY(%s)",
            (batch,),
        )[0][0]
        if moved != count:
            raise RuntimeError(f"only {moved} of {count} reports moved to VERIFIKASI")
        return result

    attempts = len(pool) // (warm + count)
    limited = argparse.Namespace(**{**vars(args), "retries": min(args.retries, attempts - 1)})
    return quiet_measure(limited, server.worker_pids, "transition", measure)


def in_process(server: Server, picked: dict, args) -> dict | str:
    """Query counts (and with --profile N, cProfile) per page, in-process."""
    users = {u: server.credentials[u] for u in (VERIFIKATOR, PENELAAH, INSPEKTUR, PEMBINA)}
    pages = [
        {"label": label, "user": user, "paths": [path] if isinstance(path, str) else path}
        for label, user, path, _key in page_list(picked)
    ]
    pages.append(
        {
            "label": "transition start_verification (POST)",
            "user": VERIFIKATOR,
            "method": "POST",
            "expect": 302,
            "paths": [
                f"/staf/laporan/{n}/aksi/start_verification/" for n in picked["received_in_process"]
            ],
        }
    )
    spec = {
        "users": users,
        "pages": pages,
        "repeat": 5,
        "profile": args.profile,
        "explain_ms": 2.0,
    }
    path = server.data_dir / "casework-spec.json"
    path.write_text(json.dumps(spec))
    for user in users:
        server.reset_totp_counter(user)
    result = subprocess.run(
        [str(PYTHON), str(ROOT / "bench" / "profile_casework.py"), str(path)],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    marker = [line for line in result.stdout.splitlines() if line.startswith("BENCH-JSON ")]
    if result.returncode != 0 or not marker:
        return f"in-process run failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return {page["label"]: page for page in json.loads(marker[-1].split(" ", 1)[1])}


def page_list(picked: dict) -> list[tuple[str, str, str | list[str], str]]:
    """(label, user, path or paths, result key) of every GET page measured."""
    inbox = "/staf/kotak-masuk/"
    q_paths = [f"{inbox}?q={n}" for n in picked["sample"]]
    return [
        ("inbox, Verifikator, no filter", VERIFIKATOR, inbox, "inbox_v"),
        ("inbox, Verifikator, ?status=VERIFIKASI", VERIFIKATOR, f"{inbox}?status=VERIFIKASI",
         "inbox_v_status"),
        (f"inbox, Verifikator, ?category={picked['category_id']}", VERIFIKATOR,
         f"{inbox}?category={picked['category_id']}", "inbox_v_category"),
        ("inbox, Verifikator, ?due=overdue", VERIFIKATOR, f"{inbox}?due=overdue",
         "inbox_v_overdue"),
        ("inbox, Verifikator, ?due=soon", VERIFIKATOR, f"{inbox}?due=soon", "inbox_v_soon"),
        ("inbox, Verifikator, ?queue=baru", VERIFIKATOR, f"{inbox}?queue=baru", "inbox_v_baru"),
        ("inbox, Verifikator, ?q=<registration number>", VERIFIKATOR, q_paths, "inbox_v_q"),
        ("inbox, Verifikator, ?page=200", VERIFIKATOR, f"{inbox}?page=200", "inbox_v_page200"),
        ("inbox, Penelaah irban-1, no filter", PENELAAH, inbox, "inbox_p"),
        ("inbox, Penelaah irban-1, ?queue=telaah", PENELAAH, f"{inbox}?queue=telaah",
         "inbox_p_telaah"),
        ("case page, Verifikator, random reports", VERIFIKATOR,
         [f"/staf/laporan/{n}/" for n in picked["sample"]], "case_v"),
        ("case page, Penelaah irban-1, assigned reports", PENELAAH,
         [f"/staf/laporan/{n}/" for n in picked["assigned"]], "case_p"),
        ("dashboard, Inspektur, no filter", INSPEKTUR, "/staf/dasbor/", "dash_i"),
        ("dashboard, Inspektur, ?year=2025", INSPEKTUR, "/staf/dasbor/?year=2025", "dash_i_year"),
        (f"dashboard, Inspektur, ?category={picked['category_id']}", INSPEKTUR,
         f"/staf/dasbor/?category={picked['category_id']}", "dash_i_category"),
        (f"dashboard, Inspektur, ?wilayah={picked['wilayah_id']}", INSPEKTUR,
         f"/staf/dasbor/?wilayah={picked['wilayah_id']}", "dash_i_wilayah"),
        ("dashboard, Pembina, no filter", PEMBINA, "/staf/dasbor/", "dash_pembina"),
    ]  # fmt: skip


def cold_page_list() -> list[tuple[str, str, str, str]]:
    """Pages whose counts are cached, measured again with the cache invalidated each time."""
    cold = " (cache invalidated before each request)"
    return [
        ("inbox, Verifikator, no filter" + cold, VERIFIKATOR, "/staf/kotak-masuk/", "inbox_v_cold"),
        ("inbox, Penelaah irban-1, no filter" + cold, PENELAAH, "/staf/kotak-masuk/",
         "inbox_p_cold"),
        ("dashboard, Inspektur, no filter" + cold, INSPEKTUR, "/staf/dasbor/", "dash_i_cold"),
        ("dashboard, Inspektur, ?year=2025" + cold, INSPEKTUR, "/staf/dasbor/?year=2025",
         "dash_i_year_cold"),
    ]  # fmt: skip


KIND_OF = {"inbox": "inbox", "case": "case", "dash": "dashboard"}


def _found_number(path: str, response) -> None:
    """?q=<number>: the report searched for must be on the page."""
    number = path.rsplit("=", 1)[1]
    if number.encode() not in response.body:
        raise RuntimeError(f"{path}: the report is not on the page")


def run(args) -> dict:
    count = args.reports
    cores = os.cpu_count() or 1
    results: dict = {"benchmark": NAME, "cores": cores, "pages": {}}
    with Server(
        workers=2,
        staff=STAFF,
        totp=True,
        collectstatic=True,
        extra_env=dict(args.server_env),
        prepare=lambda server: seed(server, count, args, results),
    ) as server:
        settings = server.settings_values("DATABASES", "CACHES")
        results["server"] = {
            "gunicorn": "2 sync workers",
            "database": settings["DATABASES"]["default"]["ENGINE"],
            "conn_max_age": settings["DATABASES"]["default"].get("CONN_MAX_AGE"),
            "cache": settings["CACHES"]["default"]["BACKEND"],
        }
        picked = pick(
            server, args.requests, args.warmup, args.transitions, args.retries, args.profile
        )
        results["facts"] = picked["facts"]
        results["category_reports"] = picked["category_reports"]
        staff = {u: Staff(server, u) for u in (VERIFIKATOR, PENELAAH, INSPEKTUR, PEMBINA)}
        for person in staff.values():
            person.log_in()
        results["login_s"] = {u: round(p.login_seconds, 3) for u, p in staff.items()}
        log("logged in: " + ", ".join(staff))

        for label, user, paths, key in page_list(picked):
            paths = [paths] if isinstance(paths, str) else paths
            verify = _found_number if key == "inbox_v_q" else None
            result = latency(args, server, staff[user], label, paths, verify)
            result["label"] = label
            result["kind"] = KIND_OF[key.split("_")[0]]
            results["pages"][key] = result
        for label, user, path, key in cold_page_list():
            result = latency(args, server, staff[user], label, [path], cold=True)
            result["label"] = label
            result["kind"] = KIND_OF[key.split("_")[0]]
            results["pages"][key] = result
        results["transition"] = transitions(args, server, staff[VERIFIKATOR], picked["received"])
        errors_logged = [
            line
            for line in server.log_text().splitlines()
            if "Traceback" in line or " ERROR " in line or "[CRITICAL]" in line
        ]
        results["server_log_errors"] = errors_logged[:20]
        if not args.no_queries:
            log("in-process run: SQL queries per page" + (" + cProfile" if args.profile else ""))
            wait_quiet(args.quiet_wait)
            results["in_process"] = in_process(server, picked, args)
            if isinstance(results["in_process"], dict) and args.profile:
                results["profile"] = "\n\n".join(
                    f"== {label}: {p['queries']} queries, median {p.get('wall_ms_median')} ms "
                    f"in-process\n{p['profile']}"
                    for label, p in results["in_process"].items()
                    if p.get("profile")
                )
    results["rows"] = evaluate(results)
    return results


# --- table -----------------------------------------------------------------------------------


def _mark(s: dict) -> str:
    if s.get("disturbed"):
        return f" [disturbed: others used {s['other_processes_cores']:.2f} cores]"
    return ""


def _queries(r: dict, label: str) -> str:
    pages = r.get("in_process")
    if not isinstance(pages, dict) or label not in pages:
        return ""
    page = pages[label]
    return f"; {page['queries']} queries, {page['sql_ms']:.0f} ms SQL"


def evaluate(r: dict) -> list[dict]:
    """Table rows: metric, value, target, verdict (PASS / FAIL / info)."""
    rows = []

    def row(metric: str, value: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        rows.append({"metric": metric, "value": value, "target": target, "verdict": verdict})

    s = r["seed"]
    row(
        f"seed_reports --count {s['reports']} (wall time, rows/s)",
        f"{s['wall_s']:.0f} s = {s['reports_per_s']:.0f} reports/s "
        f"(VACUUM ANALYZE {s['vacuum_analyze_s']:.0f} s, database {s['database_mib']:.0f} MiB)",
    )
    rows_made = sum(s["rows"].values())
    row(
        "  rows written by the seed (main tables)",
        f"{rows_made:,} = {rows_made / s['wall_s']:,.0f} rows/s; "
        + ", ".join(f"{k.split('_', 1)[1]} {v:,}" for k, v in s["rows"].items()),
    )
    targets = {
        "inbox": TARGET_INBOX_P95_MS,
        "case": TARGET_CASE_P95_MS,
        "dashboard": TARGET_DASHBOARD_P95_MS,
    }
    for page in r["pages"].values():
        target = targets[page["kind"]]
        per = page["cpu_ms_per_request"]
        row(
            f"{page['label']} (n={page['n']})",
            f"p95 {page['p95_ms']:.0f} ms (p50 {page['p50_ms']:.0f}, max {page['max_ms']:.0f}; "
            f"CPU worker {per['gunicorn_workers']:.0f} + pg {per['postgresql']:.0f} ms"
            f"{_queries(r, page['label'])}){_mark(page)}",
            f"p95 ≤ {target} ms",
            page["p95_ms"] <= target,
        )
    t = r["transition"]
    per = t["cpu_ms_per_request"]
    row(
        f"transition start_verification, Verifikator (n={t['n']}, 302)",
        f"p50 {t['p50_ms']:.0f} ms (p95 {t['p95_ms']:.0f}, max {t['max_ms']:.0f}; "
        f"CPU worker {per['gunicorn_workers']:.0f} + pg {per['postgresql']:.0f} ms"
        f"{_queries(r, 'transition start_verification (POST)')}){_mark(t)}",
        "report p50",
    )
    logins = r.get("login_s", {})
    if logins:
        row(
            "log-in, password + TOTP, incl. redirects (per user)",
            ", ".join(f"{v * 1000:.0f}" for v in logins.values()) + " ms",
        )
    if isinstance(r.get("in_process"), str):
        row("in-process query count", "failed (see JSON)")
    return rows


def title(results: dict) -> str:
    seed = results.get("seed", {})
    options = results.get("options", {})
    return (
        f"{NAME} benchmark — {results.get('started')}, {results['machine']['cores']} cores, "
        f"{seed.get('reports', 0):,} reports, {options.get('requests')} sequential requests "
        f"per page after {options.get('warmup')} warm-up"
    )
