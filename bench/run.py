"""Drive healthdesk under gunicorn with a bounded load and report each scenario against its raw-SQL baseline.

    python bench/run.py [--duration 10] [--connections 4] [--only connect4] [--database-url URL]

Reads `bench/results/credentials.json` (written by `seed.py`), starts gunicorn with production settings plus
`bench.settings` (query-count header, baseline URLs) on 127.0.0.1, waits for `/healthz`, then per scenario: one
sampled request (status, `X-Queries`, `X-Server-Ms`), a warm-up, and a timed run with wrk (or a Python driver
when wrk is absent). Writes `bench/results/<timestamp>.json` and `bench/results/latest.md`.
"""

import argparse
import http.client
import http.cookiejar
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from base64 import b64encode
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _django  # noqa: E402

HOST = "127.0.0.1"  # the only address this script ever talks to
CLINIKO_PER_PAGE = 50
NOT_AVAILABLE = {401, 403, 404, 405}
TICKET_FILTERS = ["unresolved", "overdue", "duetoday", "open", "onhold", "unassigned", "closed"]


def connect4_headers(c):
    # The document spells them api_key/api_secret; gunicorn drops header names with underscores (header_map =
    # drop), so behind it only this spelling arrives (see the Connect4 COMPATIBILITY.md).
    return {"Api-Key": c["key"], "Api-Secret": c["secret"]}


def webcamconsult_headers(c):
    return {"Authorization": f"Token token={c['secret']}"}


def support_headers(c):
    return {"Authorization": f"Token {c['secret']}"}


def cliniko_headers(c):
    basic = b64encode(f"{c['secret']}:".encode()).decode()
    return {"Authorization": f"Basic {basic}", "User-Agent": "bench (bench@example.com)", "Accept": "application/json"}


def fhir_headers(c):
    return {"Authorization": f"Bearer {c['secret']}", "Accept": "application/fhir+json"}


def admin_headers(c):
    return {"Cookie": c["admin_cookie"]} if c.get("admin_cookie") else {}


# The scenarios: name, partner, method, path template, headers, baseline (table, query) and the page it reads.
# Path values: {token} Connect4 access token, {ticket_id} {patient_id} {updated_after} {deep_page}
# {deep_resident_id} from the seed.
SCENARIOS = [
    {"name": "healthz", "group": "plumbing", "path": "/healthz", "baseline": None},
    {"name": "connect4 tickets", "group": "connect4", "path": "/api/{token}/tickets?page=1&per_page=100",
     "headers": connect4_headers, "baseline": ("tickets_all", {"limit": 100})},
    {"name": "connect4 ticket_detail", "group": "connect4", "path": "/api/{token}/ticket_detail?id={ticket_id}",
     "headers": connect4_headers, "baseline": ("ticket", {"id": "{ticket_id}"})},
    {"name": "connect4 all_residents", "group": "connect4", "path": "/api/{token}/all_residents?page=1&per_page=100",
     "headers": connect4_headers, "baseline": ("residents", {"limit": 100})},
    {"name": "connect4 all_residents (all, streamed)", "group": "connect4", "kind": "stream",
     "path": "/api/{token}/all_residents", "headers": connect4_headers, "baseline": ("residents_full", {})},
    {"name": "webcamconsult appointments.json", "group": "webcamconsult",
     "path": "/appointments.json?page=1&per_page=50", "headers": webcamconsult_headers,
     "baseline": ("appointments", {"limit": 50})},
    {"name": "webcamconsult clients.json", "group": "webcamconsult", "path": "/clients.json?page=1&per_page=50",
     "headers": webcamconsult_headers, "baseline": ("residents", {"limit": 50})},
    # Unpaged and streamed: one connection; what matters is worker memory staying flat and time staying linear.
    {"name": "webcamconsult appointments.json (all, streamed)", "group": "webcamconsult", "kind": "stream",
     "path": "/appointments.json", "headers": webcamconsult_headers, "baseline": None},
    *[
        {"name": f"support get_tickets {status}", "group": "support",
         "path": f"/api/v1/get_tickets/0/{status}?page=1&per_page=50",
         "headers": support_headers, "baseline": (f"tickets_{status}", {"limit": 50})}
        for status in TICKET_FILTERS
    ],
    # The documented unpaged lists: up to 650 000 rows (unresolved at 1m, ~220 MB), so one request at 1m.
    *[
        {"name": f"support get_tickets {status} (all, streamed)", "group": "support", "kind": "stream",
         "path": f"/api/v1/get_tickets/0/{status}", "headers": support_headers,
         "baseline": (f"tickets_{status}_full", {}), "repeats": {"1m": 1}}
        for status in TICKET_FILTERS
    ],
    {"name": "cliniko attendees page 1", "group": "cliniko", "path": "/v1/attendees", "headers": cliniko_headers,
     "baseline": ("attendees_all", {"limit": CLINIKO_PER_PAGE})},
    {"name": "cliniko attendees 90% deep", "group": "cliniko", "path": "/v1/attendees?page={deep_page}",
     "headers": cliniko_headers, "baseline": ("attendees_all", {"limit": CLINIKO_PER_PAGE, "offset": "{deep_offset}"})},
    {"name": "cliniko attendees patient_id", "group": "cliniko",
     "path": "/v1/attendees?" + urllib.parse.urlencode({"q[]": "patient_id:={patient_id}"}, safe="{}"),
     "headers": cliniko_headers,
     "baseline": ("attendees_patient", {"limit": CLINIKO_PER_PAGE, "patient": "{patient_id}"})},
    {"name": "cliniko attendees updated_at", "group": "cliniko",
     "path": "/v1/attendees?" + urllib.parse.urlencode({"q[]": "updated_at:>{updated_after}"}, safe="{}"),
     "headers": cliniko_headers,
     "baseline": ("attendees_updated", {"limit": CLINIKO_PER_PAGE, "updated_after": "{updated_after}"})},
    *[
        {"name": f"updox sync {size:,} {phase}", "group": "updox", "kind": "sync", "size": size, "phase": phase,
         "path": "/io/syncAppointments", "method": "POST", "baseline": None}
        for size in (1_000, 10_000) for phase in ("new", "again")
    ],
    # FHIR pages by id after a cursor: the 90 %-deep page must cost what the first costs, at any scale.
    {"name": "fhir Patient page 1", "group": "fhir", "path": "/fhir/Patient?_count=50", "headers": fhir_headers,
     "baseline": ("residents_any", {"limit": 50})},
    {"name": "fhir Patient 90% deep", "group": "fhir", "path": "/fhir/Patient?_count=50&_cursor={deep_resident_id}",
     "headers": fhir_headers, "baseline": ("residents_any_after", {"limit": 50, "after": "{deep_resident_id}"})},
    {"name": "fhir Appointment page 1", "group": "fhir", "path": "/fhir/Appointment?_count=50",
     "headers": fhir_headers, "baseline": ("appointments", {"limit": 50})},
    {"name": "admin ticket changelist", "group": "admin", "path": "/admin/tickets/ticket/", "headers": admin_headers,
     "baseline": ("tickets_all", {"limit": 100})},
]


# HTTP ------------------------------------------------------------------------------------------------------------
def request(port, method, path, headers=None, body=None, timeout=300):
    """One request to 127.0.0.1: (status, response headers, body bytes, seconds)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data, time.perf_counter() - started
    finally:
        conn.close()


def wait_healthy(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see its output above")
        try:
            status, _, _, _ = request(port, "GET", "/healthz", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"/healthz did not answer 200 within {timeout} s")


def admin_login(port, username, password):
    """Log in through the admin login form; the session cookie header, or None."""
    try:
        return _admin_login(port, username, password)
    except OSError as error:  # urllib's HTTPError included: the changelist is then reported unavailable
        print(f"admin login failed: {error}", file=sys.stderr)
        return None


def _admin_login(port, username, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://{HOST}:{port}"
    page = opener.open(f"{base}/admin/login/?next=/admin/", timeout=30).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        return None
    form = urllib.parse.urlencode({
        "csrfmiddlewaretoken": match.group(1), "username": username, "password": password, "next": "/admin/",
    }).encode()
    opener.open(urllib.request.Request(f"{base}/admin/login/?next=/admin/", data=form, headers={
        "Referer": f"{base}/admin/login/", "Content-Type": "application/x-www-form-urlencoded"}), timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        return None
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def connect4_token(port, creds):
    """(access token or None, status of POST /api/authorize)."""
    status, _, body, _ = request(port, "POST", "/api/authorize", headers=connect4_headers(creds))
    if status != 200:
        return None, status
    found = re.search(r'"access_token"\s*:\s*"([^"]+)"', body.decode())
    return (found.group(1) if found else None), status


# Load generators ---------------------------------------------------------------------------------------------------
LUA = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


def lua_string(value):
    return "nil" if value is None else json.dumps(value)


def run_wrk(port, path, method, headers, body, duration, connections, threads):
    header_lines = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    script = LUA.format(method=lua_string(method), body=lua_string(body), headers=header_lines)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
                   "-s", handle.name, f"http://{HOST}:{port}{path}"]
        output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120).stdout
    finally:
        os.unlink(handle.name)
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    r = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = r["duration_us"] / 1e6
    return {
        "requests": r["requests"], "rps": r["requests"] / seconds if seconds else 0.0,
        "p50_ms": r["p50_us"] / 1000, "p95_ms": r["p95_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "errors": r["status_errors"] + r["socket_errors"], "driver": "wrk",
    }


def run_python(port, path, method, headers, body, duration, connections, threads):
    """The fallback driver: `connections` threads each sending requests back to back for `duration` seconds."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        while time.perf_counter() < deadline:
            try:
                status, _, _, seconds = request(port, method, path, headers, body and body.encode())
            except OSError:
                status, seconds = 0, 0.0
            with lock:
                latencies.append(seconds)
                if not 200 <= status < 400:
                    errors[0] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, **percentiles(latencies),
            "errors": errors[0], "driver": "python"}


def percentiles(seconds):
    ordered = sorted(seconds) or [0.0]

    def pick(q):
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000

    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


# Gunicorn and the machine ----------------------------------------------------------------------------------------
def worker_pids(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def worker_rss_mb(master):
    """The largest resident set size among gunicorn's workers, in MB."""
    largest = 0
    for pid in worker_pids(master):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        if found:
            largest = max(largest, int(found.group(1)))
    return round(largest / 1024, 1)


def machine():
    cpu = "unknown"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else cpu
        memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    except (OSError, AttributeError):
        memory = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory, "os": platform.platform(),
            "python": platform.python_version()}


def start_gunicorn(port, workers, env, log):
    command = [sys.executable, "-m", "gunicorn", "healthdesk.wsgi:application", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--timeout", "300", "--graceful-timeout", "5", "--log-level", "warning",
               "--chdir", str(_django.ROOT)]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=_django.ROOT)


# Scenarios ---------------------------------------------------------------------------------------------------------
def fill(template, values):
    return template.format(**values) if isinstance(template, str) else template


def baseline_path(scenario, values):
    table, query = scenario["baseline"]
    params = {"org": values["org"], **{k: fill(v, values) for k, v in query.items()}}
    return f"/bench/baseline/{table}?{urllib.parse.urlencode(params)}"


def sample(port, method, path, headers, body=None):
    status, response_headers, data, seconds = request(port, method, path, headers, body)
    lower = {k.lower(): v for k, v in response_headers.items()}
    queries = lower.get("x-queries")
    return {
        "status": status, "queries": int(queries) if queries is not None else None,
        "server_ms": float(lower["x-server-ms"]) if "x-server-ms" in lower else None,
        "sample_ms": round(seconds * 1000, 2), "bytes": len(data),
    }, data


MIN_REQUESTS = 5


def measure(port, path, method, headers, body, args, connections, master):
    driver = run_wrk if shutil.which("wrk") and not args.python_driver else run_python
    driver(port, path, method, headers, body, args.warmup, connections, args.threads)
    rss_before = worker_rss_mb(master)
    result = driver(port, path, method, headers, body, args.duration, connections, args.threads)
    if result["requests"] < MIN_REQUESTS:
        # Slower than the run is long: a load generator only counts completed requests, so time a few
        # requests one after another instead of reporting zero.
        timings, errors = [], 0
        for _ in range(MIN_REQUESTS):
            status, _, _, seconds = request(port, method, path, headers, body and body.encode())
            timings.append(seconds)
            errors += not 200 <= status < 400
        result = {"requests": len(timings), "rps": len(timings) / sum(timings), **percentiles(timings),
                  "errors": errors, "driver": "sequential (slower than the run)"}
    result["worker_rss_mb"] = {"before": rss_before, "after": worker_rss_mb(master)}
    return result


def updox_batch(prefix, size, creds, patients):
    items = [{
        "id": f"{prefix}-{n}", "patientId": f"P{n % max(patients, 1)}",
        "date": f"2027-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "duration": 30, "cancelled": False, "blocked": False, "summary": f"Bench consult {n}", "details": "",
        "locationId": "loc-1", "calendarId": f"cal-{n % 7}", "typeId": "checkup",
    } for n in range(size)]
    return json.dumps({"appointments": items, "auth": {
        "applicationId": creds["key"], "applicationPassword": creds["secret"], "accountId": creds["slug"],
        "userId": ""}})


def run_sync(port, scenario, creds, values, batches, repeats):
    """Updox: a fresh batch (every item new) sent `repeats` times with new ids; 'again' resends the last one."""
    size, phase = scenario["size"], scenario["phase"]
    headers = {"Content-Type": "application/json"}
    timings, samples = [], []
    for r in range(repeats):
        if phase == "new":
            batches[size] = updox_batch(f"bench-{values['run_id']}-{size}-{r}", size, creds, values["updox_patients"])
        body = batches.get(size)
        if body is None:
            return {"available": False, "status": None, "note": "no 'new' batch ran first"}
        info, data = sample(port, "POST", scenario["path"], headers, body.encode())
        if info["status"] in NOT_AVAILABLE:
            return {"available": False, **info}
        samples.append(info)
        timings.append(info["sample_ms"] / 1000)
    last = samples[-1]
    errors = sum(1 for s in samples if not 200 <= s["status"] < 300)
    return {
        "available": True, "status": last["status"], "queries": last["queries"], "server_ms": last["server_ms"],
        "requests": len(samples), "rps": len(samples) / sum(timings), **percentiles(timings), "errors": errors,
        "items_per_s": round(size / statistics.median(timings)), "driver": "sequential",
    }


def run_stream(port, path, headers, master, repeats):
    """An unpaged list, requested one at a time: its time, bytes and the workers' memory before and after."""
    rss_before = worker_rss_mb(master)
    timings, samples = [], []
    for _ in range(repeats):
        info, _ = sample(port, "GET", path, headers)
        if info["status"] in NOT_AVAILABLE:
            return {"available": False, **info}
        samples.append(info)
        timings.append(info["sample_ms"] / 1000)
    last = samples[-1]
    return {
        "available": True, "path": path, "status": last["status"], "queries": last["queries"],
        "server_ms": last["server_ms"], "bytes": last["bytes"], "requests": len(samples),
        "rps": len(samples) / sum(timings), **percentiles(timings),
        "errors": sum(1 for s in samples if not 200 <= s["status"] < 300), "driver": "sequential",
        "worker_rss_mb": {"before": rss_before, "after": worker_rss_mb(master)},
    }


def run_scenario(port, scenario, creds, values, args, master, batches):
    if scenario.get("kind") == "sync":
        return run_sync(port, scenario, creds, values, batches, args.sync_repeats)
    if "{token}" in scenario["path"] and not values.get("token"):
        return {"available": False, "status": values.get("token_status"), "note": "POST /api/authorize unavailable"}
    if scenario.get("kind") == "stream":
        path = fill(scenario["path"], values)
        return run_stream(port, path, scenario["headers"](creds), master, stream_repeats(scenario, values, args))
    if scenario["group"] == "admin" and not creds.get("admin_cookie"):
        return {"available": False, "status": None, "note": "admin login failed"}
    path = fill(scenario["path"], values)
    headers = scenario.get("headers", lambda c: {})(creds)
    method = scenario.get("method", "GET")
    info, _ = sample(port, method, path, headers)
    if info["status"] in NOT_AVAILABLE:
        return {"available": False, **info}
    if 300 <= info["status"] < 400:  # a login redirect or the like: measuring it would measure the wrong page
        return {"available": False, **info, "note": "redirected"}
    connections = scenario.get("connections", args.connections)
    return {"available": True, "path": path, **info, **measure(port, path, method, headers, None, args,
                                                                 connections, master)}


def stream_repeats(scenario, values, args):
    """Requests per stream scenario: `--sync-repeats`, fewer where the scenario says so for the seeded scale."""
    return min(args.sync_repeats, scenario.get("repeats", {}).get(values["scale"], args.sync_repeats))


def deep_page(port, creds, counts):
    """The page 90% deep into the Cliniko attendee list, from its `total_entries` (or the seed's count)."""
    info, data = sample(port, "GET", "/v1/attendees", cliniko_headers(creds))
    total = None
    if info["status"] == 200:
        try:
            total = json.loads(data).get("total_entries")
        except (ValueError, AttributeError):
            total = None
    total = total or counts.get("bench_live_attendees") or 0
    page = max(1, int(total * 0.9) // CLINIKO_PER_PAGE + 1)
    return page, total


CLEANUP = """
from bench import _django
import os, sys
_django.setup(os.environ["DATABASE_URL"])
from scheduling.models import Appointment
from sync.models import SyncRun
org, since = int(sys.argv[1]), sys.argv[2]
Appointment.objects.filter(organisation_id=org, source_system="updox", source_id__startswith="bench-").delete()
SyncRun.objects.filter(organisation_id=org, started_at__gte=since).delete()
"""


def remove_synced(env, organisation_id, since):
    """Delete what the Updox scenarios created, so repeated runs measure the seeded data, not a growing one."""
    subprocess.run([sys.executable, "-c", CLEANUP, str(organisation_id), since.isoformat()], env=env,
                   cwd=_django.ROOT, check=False)


# Report ------------------------------------------------------------------------------------------------------------
def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def markdown(report):
    lines = [
        f"# healthdesk benchmark, {report['date']}",
        "",
        f"Scale **{report['scale']}** ({report['counts'].get('tickets', 0):,} tickets, "
        f"{report['counts'].get('attendees', 0):,} attendees) on PostgreSQL {report['postgres']}; "
        f"gunicorn {report['settings']['workers']} sync workers; {report['settings']['connections']} connections "
        f"for {report['settings']['duration']} s per scenario after {report['settings']['warmup']} s warm-up; "
        f"driver {report['settings']['driver']}.",
        f"Machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, "
        f"{report['machine']['memory_gb']} GB, Python {report['machine']['python']}.",
        "",
        "| scenario | status | req/s | p50 ms | p95 ms | p99 ms | errors | queries | server ms | baseline p50 ms |"
        " ratio p50 | worker RSS MB | bytes |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in report["scenarios"]:
        if not s.get("available"):
            status = s.get("status")
            lines.append(f"| {s['name']} | not available ({status or s.get('note', '–')}) |" + " |" * 11)
            continue
        base = s.get("baseline") or {}
        rss = s.get("worker_rss_mb") or {}
        rss_text = f"{fmt(rss.get('before'))} → {fmt(rss.get('after'))}" if rss else "–"
        lines.append(
            f"| {s['name']} | {s['status']} | {fmt(s.get('rps'))} | {fmt(s.get('p50_ms'), 2)} | "
            f"{fmt(s.get('p95_ms'), 2)} | {fmt(s.get('p99_ms'), 2)} | {fmt(s.get('errors'))} | "
            f"{fmt(s.get('queries'))} | {fmt(s.get('server_ms'), 1)} | {fmt(base.get('p50_ms'), 2)} | "
            f"{fmt(s.get('ratio_p50'), 2) + '×' if s.get('ratio_p50') else '–'} | {rss_text} | {fmt(s.get('bytes'))} |"
        )
    lines += ["", "Baselines (one raw SQL query + orjson, same page of rows):", "",
              "| baseline | req/s | p50 ms | p95 ms | p99 ms | errors | queries |", "|---|--:|--:|--:|--:|--:|--:|"]
    for path, b in report["baselines"].items():
        table, _, query = path.removeprefix("/bench/baseline/").partition("?")
        query = "&".join(p for p in query.split("&") if not p.startswith("org="))
        lines.append(f"| `{table}` {query} | {fmt(b.get('rps'))} | "
                     f"{fmt(b.get('p50_ms'), 2)} | {fmt(b.get('p95_ms'), 2)} | {fmt(b.get('p99_ms'), 2)} | "
                     f"{fmt(b.get('errors'))} | {fmt(b.get('queries'))} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--credentials", type=Path, default=_django.CREDENTIALS, help="written by seed.py")
    parser.add_argument("--database-url", help="default: the one seed.py wrote into the credentials")
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each scenario")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sync-repeats", type=int, default=3,
                        help="requests per sequential scenario (Updox sync, unpaged stream)")
    parser.add_argument("--only", help="run only scenarios whose name contains this text")
    parser.add_argument("--keep-synced", action="store_true", help="keep the appointments Updox scenarios made")
    parser.add_argument("--python-driver", action="store_true", help="use the Python driver even if wrk exists")
    args = parser.parse_args(argv)

    if not args.credentials.exists():
        raise SystemExit(f"no {args.credentials}: run `python bench/seed.py --scale 10k` first")
    seeded = json.loads(args.credentials.read_text())
    database_url = args.database_url or seeded["database_url"]
    creds = {**seeded["api_client"], "slug": seeded["organisation"]["slug"]}
    env = {**os.environ, **_django.BENCH_ENV, "DATABASE_URL": database_url, "PYTHONPATH": str(_django.ROOT)}

    # The code may be newer than the seeded database; production settings serve static files from the
    # collected manifest, which the admin needs.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=_django.ROOT,
                   check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env,
                   cwd=_django.ROOT, check=True)
    postgres = subprocess.run([sys.executable, "-c", (
        "from bench import _django; _django.setup(__import__('os').environ['DATABASE_URL']);"
        "from django.db import connection; c = connection.cursor(); c.execute('SHOW server_version');"
        "print(c.fetchone()[0])")], env=env, cwd=_django.ROOT, capture_output=True, text=True).stdout.strip()

    # A SIGTERM (timeout, CI cancel) must still stop gunicorn: turn it into SystemExit so `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    server = start_gunicorn(args.port, args.workers, env, log)
    started = datetime.now(UTC)
    try:
        wait_healthy(args.port, server)
        values = {
            "org": seeded["organisation"]["id"], "run_id": started.strftime("%Y%m%d%H%M%S"),
            "updox_patients": seeded["samples"]["updox_patient_ids"], **seeded["samples"], "scale": seeded["scale"],
        }
        values["deep_page"], values["attendees_total"] = deep_page(args.port, creds, seeded["counts"])
        values["deep_offset"] = (values["deep_page"] - 1) * CLINIKO_PER_PAGE
        values["token"], values["token_status"] = connect4_token(args.port, creds)
        creds["admin_cookie"] = admin_login(args.port, seeded["admin"]["username"], seeded["admin"]["password"])

        scenarios = [s for s in SCENARIOS if not args.only or args.only in s["name"]]
        baselines, results, batches = {}, [], {}
        for scenario in scenarios:
            print(f"· {scenario['name']} …", flush=True)
            result = {"name": scenario["name"], "group": scenario["group"],
                      **run_scenario(args.port, scenario, creds, values, args, server.pid, batches)}
            # Baselines run whether or not their endpoint exists yet, so the floor is known before it lands.
            if scenario["baseline"]:
                path = baseline_path(scenario, values)
                if path not in baselines and scenario.get("kind") == "stream":
                    # A whole list against a whole list, timed the same way: one request at a time.
                    baselines[path] = run_stream(args.port, path, {}, server.pid,
                                                 stream_repeats(scenario, values, args))
                elif path not in baselines:
                    info, _ = sample(args.port, "GET", path, {})
                    baselines[path] = {**info, **measure(args.port, path, "GET", {}, None, args,
                                                         scenario.get("connections", args.connections), server.pid)}
                result["baseline"] = {"path": path, **baselines[path]}
                if result.get("available") and baselines[path]["p50_ms"]:
                    result["ratio_p50"] = round(result["p50_ms"] / baselines[path]["p50_ms"], 2)
            results.append(result)
            if result.get("available"):
                print(f"  {result['status']}  {fmt(result.get('rps'))} req/s  p50 {fmt(result.get('p50_ms'), 2)} ms"
                      f"  queries {fmt(result.get('queries'))}  ratio {fmt(result.get('ratio_p50'), 2)}", flush=True)
            else:
                print(f"  not available ({result.get('status') or result.get('note')})", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.seek(0)
        server_log = log.read()
        log.close()
        os.unlink(log.name)
        if not args.keep_synced:
            remove_synced(env, seeded["organisation"]["id"], started)

    report = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"), "scale": seeded["scale"], "counts": seeded["counts"],
        "postgres": postgres, "machine": machine(),
        "settings": {"workers": args.workers, "connections": args.connections, "threads": args.threads,
                     "duration": args.duration, "warmup": args.warmup,
                     "driver": "wrk" if shutil.which("wrk") and not args.python_driver else "python"},
        "values": {k: v for k, v in values.items() if k != "token"},  # the token is a credential
        "scenarios": results, "baselines": baselines,
        "server_log_tail": server_log.splitlines()[-40:],
    }
    _django.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (_django.RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    table = markdown(report)
    (_django.RESULTS / "latest.md").write_text(table)
    print()
    print(table)
    print(f"wrote bench/results/{stamp}.json and bench/results/latest.md")


if __name__ == "__main__":
    main()
