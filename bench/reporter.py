"""Reporter-side benchmark: submissions (with and without a 1 MB PDF), throughput under 4 and 16
concurrent clients, access-code lookups, the code-key derivation alone, and gunicorn worker
memory.

All requests are real HTTP requests from this process to gunicorn on 127.0.0.1; the client
runs on the same machine and so shares its cores with the server (its CPU time is reported).
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import subprocess
import threading
import time
from collections import Counter

from harness import (
    PYTHON,
    ROOT,
    CpuMeter,
    FloorServer,
    Server,
    log,
    memory_mib,
    multipart,
    quiet_measure,
    request,
    summary_ms,
    timed,
    wait_quiet,
)

NAME = "reporter"
PDF_TARGET_BYTES = 1024 * 1024
PDF_PAGES = 3

# The targets (2-core machine, issue 10 §2), see bench/README.md.
TARGET_SUBMIT_P50_MS = {"submit_plain": 30, "submit_pdf": 60}
TARGET_FLOOR_SHARE = {"plain": 0.35, "pdf": 0.25}  # throughput ≥ this share of the floor's
TARGET_LOOKUP_P50_MS = 15
TARGET_RSS_MIB = 120
TARGET_LARGE_HWM_MIB = 200  # each worker's peak with a 100 MB report (issue 10 §3)

# Every client shares the address 127.0.0.1, so the per-address submission limit (default 300
# an hour) would answer 429 after a few seconds of load. It is raised for the benchmark only;
# the limiter itself still runs on every request (same cache reads and writes).
SERVER_ENV = {
    "WBS_SUBMISSIONS_PER_ADDRESS_HOUR": "1000000000",
    "WBS_FILE_CHECKS_PER_ADDRESS_HOUR": "1000000000",
}


def add_arguments(parser) -> None:
    group = parser.add_argument_group("reporter")
    group.add_argument(
        "--requests",
        type=int,
        default=50,
        help="sequential requests per latency measurement (default 50)",
    )
    group.add_argument(
        "--warmup",
        type=int,
        default=5,
        help="warm-up requests before each latency measurement (default 5)",
    )
    group.add_argument(
        "--clients",
        default="4,16",
        help="concurrent clients for the throughput runs (default 4,16)",
    )
    group.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also profile N in-process requests with cProfile (reporter: submissions and "
        "lookups; casework: each page)",
    )


# --- payload ---------------------------------------------------------------------------------


def _noise_jpeg(target: int, seed: int) -> tuple[bytes, int, int]:
    """A JPEG of random pixels of about `target` bytes (noise barely compresses, like a scan)."""
    from PIL import Image

    width, pixels = 1000, int(target / 0.6)
    for _round in range(3):
        height = max(16, pixels // width)
        image = Image.frombytes(
            "RGB", (width, height), random.Random(seed).randbytes(width * height * 3)
        )
        out = io.BytesIO()
        image.save(out, "JPEG", quality=75)
        data = out.getvalue()
        if abs(len(data) - target) < target * 0.005:
            break
        pixels = int(pixels * target / len(data))
    return data, width, height


def build_pdf(target: int = PDF_TARGET_BYTES, pages: int = PDF_PAGES) -> bytes:
    """A real PDF of about `target` bytes: `pages` A4 pages, each a scanned-looking JPEG with a
    line of text, plus document metadata (which the app's check removes)."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    per_page = (target - 3000) // pages
    for number in range(pages):
        jpeg, width, height = _noise_jpeg(per_page, seed=number)
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[number]
        image = pdf.make_stream(jpeg)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width, image.Height = width, height
        image.ColorSpace = pikepdf.Name.DeviceRGB
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.DCTDecode
        page.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Im1=image)
        )
        page.Contents = pdf.make_stream(
            b"q 555 0 0 700 20 100 cm /Im1 Do Q\n"
            + b"BT /F1 14 Tf 20 60 Td (Bukti halaman %d) Tj ET\n" % (number + 1)
        )
    pdf.docinfo["/Author"] = "Bench Author"
    pdf.docinfo["/Producer"] = "wbs bench"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


class Payloads:
    def __init__(self, category: str, unit: int, pdf: bytes):
        fields = {
            "category": category,
            "title": "Pungutan tidak resmi pada layanan perizinan",
            "description": (
                "Petugas loket meminta uang tambahan di luar tarif resmi untuk mempercepat "
                "penerbitan izin. Kejadian berulang setiap minggu sejak awal tahun."
            ),
            "unit": str(unit),
            "period": "Januari–Maret 2025",
            "accused": json.dumps([{"name": "Fulan", "position": "Staf", "unit": "Dinas"}]),
            "declaration": "true",
            # Confidential: each submission also splits its identity key among the custodians.
            "identity_mode": "confidential",
            "identity": json.dumps({"name": "Pelapor Bench", "unit": "Dinas"}),
            "reporter_type": "asn",
        }
        self.pdf_size = len(pdf)
        self.with_pdf = multipart(fields, [("attachments", "bukti.pdf", "application/pdf", pdf)])
        self.without = multipart(fields, [])
        self.fields = fields

    def large(self, pdf: bytes) -> tuple[bytes, str]:
        """A report near the per-report limit (issue 10 §3): the PDF and 19 MiB text files,
        about 97 MiB in all (under the 100 MiB the request-size guard allows)."""
        line = b"Catatan transaksi pembayaran kepada petugas loket perizinan.\n"
        text = line * (19 * 1024 * 1024 // len(line))
        files = [("attachments", "bukti.pdf", "application/pdf", pdf)]
        files += [("attachments", f"catatan-{i}.txt", "text/plain", text) for i in range(5)]
        return multipart(self.fields, files)


def submit(port: int, payload: tuple[bytes, str]):
    body, content_type = payload
    return request(
        port,
        "POST",
        "/api/v1/reports",
        body=body,
        headers={"Content-Type": content_type, "Content-Length": str(len(body))},
    )


def lookup(port: int, code: str):
    body = json.dumps({"access_code": code}).encode()
    return request(
        port,
        "POST",
        "/api/v1/reporter/session",
        body=body,
        headers={"Content-Type": "application/json"},
    )


# --- measurements ----------------------------------------------------------------------------


def _expect(response, status: int, what: str) -> None:
    if response.status != status:
        raise RuntimeError(
            f"{what}: HTTP {response.status} (expected {status}): {response.body[:500]!r}"
        )


def _timed(server: Server, count: int, one) -> dict:
    """Run `one(i)` (returning a Response) `count` times in a row, with the CPU meter on."""
    return timed(server.worker_pids(), count, one)


def sequential(server: Server, payload, count: int, warmup: int, codes: list[str]) -> dict:
    port = server.port
    for _ in range(warmup):
        response = submit(port, payload)
        _expect(response, 201, "warm-up submission")
        codes.append(response.json()["access_code"])

    def one(_i):
        response = submit(port, payload)
        _expect(response, 201, "submission")
        data = response.json()
        if not (data.get("registration_number") and data.get("access_code")):
            raise RuntimeError(f"submission answered without a receipt: {data}")
        codes.append(data["access_code"])
        return response

    return _timed(server, count, one)


def lookups(server: Server, codes: list[str], count: int, warmup: int) -> dict:
    for code in codes[:warmup]:
        _expect(lookup(server.port, code), 200, "warm-up lookup")

    def one(i):
        response = lookup(server.port, codes[(warmup + i) % len(codes)])
        _expect(response, 200, "lookup")
        if "token" not in response.json():
            raise RuntimeError("lookup answered without a token")
        return response

    return _timed(server, count, one)


def wrong_lookups(server: Server, count: int) -> dict:
    """Unknown (well-formed) codes: answered 401 after the same Argon2id work. Each counts
    against the per-address failure limit (300 an hour), so only a few are sent."""

    def one(i):
        response = lookup(server.port, f"ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-{i:04d}")
        _expect(response, 401, "wrong-code lookup")
        return response

    return _timed(server, count, one)


def throughput(server: Server, payload, clients: int, duration: float) -> dict:
    port = server.port
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    first_error: list[str] = []
    stop_at = 0.0

    def client() -> None:
        start_gate.wait()
        while time.perf_counter() < stop_at:
            try:
                response = submit(port, payload)
                key: int | str = response.status
                ok = response.status == 201
                if not ok and not first_error:
                    first_error.append(f"HTTP {response.status}: {response.body[:300]!r}")
            except OSError as exc:
                key, ok = type(exc).__name__, False
                if not first_error:
                    first_error.append(repr(exc))
            with lock:
                statuses[key] += 1
                if ok:
                    latencies.append(response.seconds)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    meter = CpuMeter(server.worker_pids())
    stop_at = time.perf_counter() + duration
    meter.start()
    start_gate.wait()
    for thread in threads:
        thread.join()
    cpu = meter.stop()
    elapsed = cpu["elapsed_s"]
    ok = statuses.get(201, 0)
    errors = sum(n for k, n in statuses.items() if k != 201)
    result = {
        "clients": clients,
        "duration_s": round(elapsed, 1),
        "completed": ok,
        "errors": errors,
        "statuses": {str(k): n for k, n in statuses.items()},
        "per_s": round(ok / elapsed, 2),
        "latency": summary_ms(latencies),
        "other_processes_cores": cpu["cores_by_group"]["other_processes"],
        "cpu": cpu,
    }
    if first_error:
        result["first_error"] = first_error[0]
    if ok:
        result["cpu_ms_per_submission"] = {
            group: round(1000 * used * elapsed / ok, 1)
            for group, used in [
                ("machine", cpu["machine_busy_cores"]),
                *cpu["cores_by_group"].items(),
            ]
        }
    return result


def code_key_time(rounds: int = 2000) -> dict:
    """The access-code key derivation alone (keyed BLAKE2b, as wbs.vault.crypto.derive_code_key;
    docs/adr/0016): what a submission and a lookup pay for the code since issue 10 §1."""
    import nacl.encoding
    import nacl.hash

    code, key = b"0123456789ABCDEFGHJKMNPQ", os.urandom(32)
    times = []
    for _ in range(rounds):
        salt = os.urandom(16)
        start = time.perf_counter()
        nacl.hash.blake2b(
            code,
            digest_size=32,
            key=key,
            salt=salt,
            person=b"wbs-code-key-v1\0",
            encoder=nacl.encoding.RawEncoder,
        )
        times.append(time.perf_counter() - start)
    return {
        "rounds": rounds,
        "median_us": round(1e6 * statistics.median(times), 1),
        "max_us": round(1e6 * max(times), 1),
    }


def profile(server: Server, payloads: Payloads, count: int) -> str:
    """cProfile of submissions and lookups, in-process (bench/profile_reporter.py)."""
    command = [str(PYTHON), str(ROOT / "bench" / "profile_reporter.py")]
    for name, (body, content_type) in (("pdf", payloads.with_pdf), ("plain", payloads.without)):
        path = server.data_dir / f"profile-{name}.bin"
        path.write_bytes(body)
        command += [str(path), content_type]
    result = subprocess.run(
        [*command, str(count)],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        return f"profiling failed:\n{result.stderr[-3000:]}"
    return result.stdout


# --- the run ---------------------------------------------------------------------------------


def _phase(args, server: Server, name: str, measure) -> dict:
    """Measure on a quiet machine, repeated if disturbed (harness.quiet_measure)."""
    return quiet_measure(args, server.worker_pids, name, measure)


def run(args) -> dict:
    """Every measurement on the floor (bench/floor/floor_app.py) and then on the application,
    alternating, so both see the same machine at the same time (issue 10 §2)."""
    clients_list = [int(c) for c in str(args.clients).split(",") if c.strip()]
    cores = os.cpu_count() or 1
    results: dict = {"benchmark": NAME, "cores": cores, "server_env_overrides": SERVER_ENV}
    floor: dict = {}
    results["floor"] = floor
    log("building the 1 MB PDF")
    pdf = build_pdf()
    with (
        FloorServer(workers=2) as floor_server,
        Server(workers=2, extra_env={**SERVER_ENV, **args.server_env}) as server,
    ):
        settings = server.settings_values("DATABASES", "CACHES")
        results["server"] = {
            "gunicorn": "2 sync workers",
            "database": settings["DATABASES"]["default"]["ENGINE"],
            "conn_max_age": settings["DATABASES"]["default"].get("CONN_MAX_AGE"),
            "cache": settings["CACHES"]["default"]["BACKEND"],
        }
        results["workers_at_start"] = [memory_mib(pid) for pid in server.worker_pids()]
        port = server.port
        categories = request(port, "GET", "/api/v1/public/categories").json()["categories"]
        units = request(port, "GET", "/api/v1/public/units").json()["units"]
        payloads = Payloads(categories[0]["code"], units[0]["id"], pdf)
        results["attachment_bytes"] = payloads.pdf_size
        results["request_bytes"] = len(payloads.with_pdf[0])
        codes: dict[str, list[str]] = {"floor": [], "app": []}
        n, warm = args.requests, args.warmup

        def both(key: str, name: str, measure) -> None:
            for target, store, tag in ((floor_server, floor, "floor"), (server, results, "app")):
                store[key] = _phase(args, target, name, lambda t=target, g=tag: measure(t, g))

        log(f"sequential submissions: {n} with a {payloads.pdf_size} B PDF (floor, then WBS)")
        both(
            "submit_pdf",
            "submissions",
            lambda t, g: sequential(t, payloads.with_pdf, n, warm, codes[g]),
        )
        log(f"sequential submissions: {n} without attachment (floor, then WBS)")
        both(
            "submit_plain",
            "submissions",
            lambda t, g: sequential(t, payloads.without, n, warm, codes[g]),
        )
        log(f"code lookups: {n} (floor, then WBS)")
        both("lookup", "lookups", lambda t, g: lookups(t, codes[g], n, warm))
        results["lookup_wrong_code"] = wrong_lookups(server, 10)

        results["throughput"], floor["throughput"] = [], []
        for label, payload in (("pdf", payloads.with_pdf), ("plain", payloads.without)):
            for clients in clients_list if args.duration > 0 else []:
                log(f"throughput: {clients} clients, {label}, {args.duration:g} s (floor, WBS)")
                for target, store in ((floor_server, floor), (server, results)):
                    run_result = _phase(
                        args,
                        target,
                        "throughput",
                        lambda t=target, p=payload, c=clients: throughput(t, p, c, args.duration),
                    )
                    run_result["payload"] = label
                    store["throughput"].append(run_result)
                    log(f"  → {run_result['per_s']}/s, {run_result['errors']} errors")

        results["workers"] = [{"pid": pid, **memory_mib(pid)} for pid in server.worker_pids()]
        large = payloads.large(pdf)
        log(f"one report of {len(large[0]) / 2**20:.0f} MiB (memory of the workers)")
        for _ in range(2):  # each worker takes one (gunicorn hands requests out in turn)
            response = request(
                port,
                "POST",
                "/api/v1/reports",
                body=large[0],
                headers={"Content-Type": large[1], "Content-Length": str(len(large[0]))},
                timeout=600,
            )
            _expect(response, 201, "the large report")
        results["large_report_mib"] = round(len(large[0]) / 2**20, 1)
        results["workers_after_large"] = [
            {"pid": pid, **memory_mib(pid)} for pid in server.worker_pids()
        ]
        log("access-code key derivation in-process")
        results["code_key"] = code_key_time()
        errors_logged = [
            line
            for line in server.log_text().splitlines()
            if "Traceback" in line or " ERROR " in line or "[CRITICAL]" in line
        ]
        results["server_log_errors"] = errors_logged[:20]
        if args.profile:
            log(f"profiling {args.profile} in-process submissions")
            wait_quiet(args.quiet_wait)
            results["profile"] = profile(server, payloads, args.profile)
    results["rows"] = evaluate(results)
    return results


def _cpu_note(s: dict) -> str:
    per = s["cpu_ms_per_request"]
    return (
        f"{per['gunicorn_workers']:.0f} + {per['postgresql']:.0f} ms "
        f"({s['other_processes_cores']:.2f} cores)"
    )


def _mark(s: dict) -> str:
    if s.get("disturbed"):
        return f" [disturbed: others used {s['other_processes_cores']:.2f} cores]"
    return ""


def evaluate(r: dict) -> list[dict]:
    """Table rows: metric, value, target, verdict (PASS / FAIL / info)."""
    rows = []

    def row(metric: str, value: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        rows.append({"metric": metric, "value": value, "target": target, "verdict": verdict})

    size_mb = r["attachment_bytes"] / (1024 * 1024)
    for key, label in (
        ("submit_pdf", f"submission, {size_mb:.2f} MiB PDF"),
        ("submit_plain", "submission, no attachment"),
    ):
        s, f = r[key], r["floor"][key]
        row(
            f"{label}: p50 (n={s['n']}, sequential)",
            f"{s['p50_ms']:.0f} ms{_mark(s)} (floor {f['p50_ms']:.1f} ms)",
            f"≤ {TARGET_SUBMIT_P50_MS[key]} ms",
            s["p50_ms"] <= TARGET_SUBMIT_P50_MS[key],
        )
        row(f"{label}: p95", f"{s['p95_ms']:.0f} ms (floor {f['p95_ms']:.1f} ms)")
        row(f"{label}: CPU ms per request, worker + postgres (other load)", _cpu_note(s))

    for t, f in zip(r["throughput"], r["floor"]["throughput"], strict=True):
        label = f"{t['clients']} clients, " + (
            f"{size_mb:.2f} MiB PDF" if t["payload"] == "pdf" else "no attachment"
        )
        share = TARGET_FLOOR_SHARE[t["payload"]]
        ratio = t["per_s"] / f["per_s"] if f["per_s"] else 0.0
        row(
            f"throughput, {label}",
            f"{t['per_s']:.1f} /s = {100 * ratio:.0f}% of the floor's {f['per_s']:.1f} /s, "
            f"{t['errors']} errors{_mark(t)}",
            f"≥ {100 * share:.0f}% of the floor, 0 errors",
            ratio >= share and t["errors"] == 0 and f["errors"] == 0,
        )
        row(
            f"  latency under load, {label}: p50 / p95",
            f"{t['latency']['p50_ms']:.0f} / {t['latency']['p95_ms']:.0f} ms",
        )
        if t["completed"]:
            per = t["cpu_ms_per_submission"]
            rest = per["redis"] + per["bench_client"] + per["unattributed"]
            own = per["gunicorn_workers"] + per["postgresql"] + rest
            row(
                f"  CPU ms per submission, {label}: ours = workers + postgres + rest",
                f"{own:.0f} = {per['gunicorn_workers']:.0f} + {per['postgresql']:.0f} + "
                f"{rest:.0f} (+ {per['other_processes']:.0f} by others)",
            )
            capacity = r["cores"] * 1000 / own
            row(
                f"  capacity if the cores were ours alone, {label} (estimate)",
                f"{capacity:.1f} /s",
            )

    s, f = r["lookup"], r["floor"]["lookup"]
    row(
        f"code lookup: p50 (n={s['n']}, sequential)",
        f"{s['p50_ms']:.1f} ms{_mark(s)} (floor {f['p50_ms']:.1f} ms)",
        f"≤ {TARGET_LOOKUP_P50_MS} ms",
        s["p50_ms"] <= TARGET_LOOKUP_P50_MS,
    )
    row("code lookup: p95", f"{s['p95_ms']:.0f} ms")
    row("code lookup: CPU ms per request, worker + postgres (other load)", _cpu_note(s))
    w = r["lookup_wrong_code"]
    row(f"wrong-code lookup: p50 / p95 (n={w['n']})", f"{w['p50_ms']:.0f} / {w['p95_ms']:.0f} ms")
    key = r["code_key"]
    row(
        f"access-code key derivation alone (keyed BLAKE2b), median of {key['rounds']}",
        f"{key['median_us']:.1f} µs (max {key['max_us']:.0f} µs)",
    )
    for worker in r.get("workers_after_large", []):
        row(
            f"worker {worker['pid']}: peak (VmHWM) after a {r['large_report_mib']:.0f} MiB report",
            f"{worker.get('VmHWM')} MiB",
            f"≤ {TARGET_LARGE_HWM_MIB} MiB",
            worker.get("VmHWM", 1e9) <= TARGET_LARGE_HWM_MIB,
        )
    start = ", ".join(f"{w.get('VmRSS')}" for w in r.get("workers_at_start", []))
    if start:
        row("worker RSS at start, before any request", f"{start} MiB")
    for worker in r["workers"]:
        row(
            f"worker {worker['pid']} RSS after load (peak VmHWM {worker.get('VmHWM')} MiB)",
            f"{worker.get('VmRSS')} MiB",
            f"≤ {TARGET_RSS_MIB} MiB",
            worker.get("VmRSS", 1e9) <= TARGET_RSS_MIB,
        )
        if worker.get("VmHWM", 0) > TARGET_RSS_MIB:
            row(
                f"  worker {worker['pid']}: peak (VmHWM) above {TARGET_RSS_MIB} MiB",
                f"{worker.get('VmHWM')} MiB",
                "(peak: not judged)",
            )
    return rows
