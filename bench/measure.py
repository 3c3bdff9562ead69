"""`make bench`: the operator's path timed at a large distributor's scale (bench/README.md).

Run by scripts/bench.sh against its own PostgreSQL and Redis, on the data set of
`manage.py seed_bench`. It measures, each figure beside its budget with PASS or FAIL:
- server time (p50, p95 over BENCH_RUNS runs, default 200) of the screen pop, a client search by
  four lower-case letters of a Cyrillic name, adding a line to a 5-line and to a 1,000-line order,
  suggestions, confirm and the head's dashboard, each through the Django stack in this process
  (middleware, session, view or API endpoint, template), on PostgreSQL;
- the SQL floor of the screen pop: the fewest queries it needs, run directly with psycopg;
- 20 operators taking complete orders at once for BENCH_LOAD_SECONDS (default 60) against
  gunicorn on loopback: orders a minute, p95 of each step, errors;
- the nightly dormant list and a day's operator reports: wall time and peak memory, each in a
  process of its own;
- the screen pop (with its SQL floor) and the client search under each way of preparing
  PostgreSQL statements (DB_PREPARE: calldesk.settings.environment.PREPARE_PATHS), each in a
  fresh process of its own on the same callers and terms, side by side.
It prints the tables, writes bench/results.json and exits 1 when a budget of the configured
path is missed. It is not a test: `make test` times nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess  # nosec B404
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calldesk.settings.bench")

import django

django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

from bench.seed import search_term
from calldesk.settings.environment import PREPARE_PATHS
from calls.models import Call
from calls.services import register_call
from clients.models import Client
from clients.selectors import debt_of
from orders.models import ConfirmRequest, Order, OrderLine, Product
from orders.services import add_line, record_offer, set_terms, start_order
from outbound.models import CallList
from reports.build import build_day
from staff.models import Role, User
from staff.services import issue_api_token
from warehouse.calendar import next_working_day

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
WARM_UP = 20  # untimed requests before the first timed figure
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
OPERATORS = int(os.environ.get("BENCH_OPERATORS", "20"))
# Beside the operators, this many pages hold the push channel open (GET /live/), as a call center's
# staff keep the desk open all day: each load operator's own page and other staff's pages.
STREAMS = int(os.environ.get("BENCH_STREAMS", "300"))
SEED = 20261128
# Between two steps each simulated operator waits a random time in this range, in seconds
# (BENCH_THINK_SECONDS="0.5-1.5"): a person reading the screen and typing. A real order takes
# minutes on the phone; this pace is several times faster than any operator.
THINK_SECONDS = tuple(float(x) for x in os.environ.get("BENCH_THINK_SECONDS", "0.5-1.5").split("-"))
# BENCH_PARTS=server,paths,load,jobs (the default: all four) measures only some parts while tuning one.
PARTS = set(os.environ.get("BENCH_PARTS", "server,paths,load,jobs").split(","))


@dataclass
class Figure:
    name: str
    unit: str
    value: float
    budget: float | None
    detail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.budget is None or self.value <= self.budget


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5) - 1) if len(ordered) > 1 else 1
    return ordered[min(rank, len(ordered)) - 1]


def timed(calls: list) -> list[float]:
    """Milliseconds of each call (a zero-argument function), run in order; each must answer 2xx."""
    spent = []
    for call in calls:
        began = time.perf_counter()
        response = call()
        spent.append((time.perf_counter() - began) * 1000)
        status = getattr(response, "status_code", 200)
        if status >= 300:
            raise SystemExit(
                f"bench: a timed request answered {status}: {getattr(response, 'content', b'')[:300]!r}"
            )
    return spent


def server_figures(name: str, spent: list[float], budget_p95: float) -> list[Figure]:
    return [
        Figure(f"{name}: p50", "ms", round(percentile(spent, 50), 1), None, f"{len(spent)} runs"),
        Figure(f"{name}: p95", "ms", round(percentile(spent, 95), 1), budget_p95, f"{len(spent)} runs"),
    ]


# --- The data the timings use ---------------------------------------------------------------------


@dataclass
class Cast:
    operator: User
    head: User
    token: str
    clients: list[Client]
    skus: list[str]


def cast() -> Cast:
    rng = random.Random(SEED)  # nosec B311
    operator = (
        User.objects.filter(username="operator").first()
        or User.objects.filter(groups__name="operator").first()
    )
    head = User.objects.get(username="head")
    token = issue_api_token(user=operator, name="bench").raw
    # Ordinary market clients with a manager and a phone: the operator's own calls (III.3).
    ids = list(
        Client.objects.filter(type__code="market", manager__isnull=False, phones__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    picked = Client.objects.filter(pk__in=rng.sample(ids, min(len(ids), 3000))).prefetch_related("phones")
    # Only clients whose orders pass the debt and credit checks (III.5, III.9): the bench times
    # confirmations that succeed, and the load counts every refusal as an error.
    today = timezone.localdate()
    servable = []
    for client in picked:
        debt = debt_of(client_id=client.pk, on=today)
        if not debt.blocks_order and (debt.headroom is None or debt.headroom >= 500_000):
            servable.append(client)
    rng.shuffle(servable)
    skus = list(Product.objects.filter(active=True).values_list("sku", flat=True))
    return Cast(operator, head, token, servable, skus)


def open_drafts(c: Cast, count: int, lines: int, rng: random.Random) -> list[int]:
    """Drafts for clients the operator may serve (a client blocked by debt is skipped, III.5)."""
    drafts = []
    for client in c.clients:
        if len(drafts) == count:
            break
        try:
            order = start_order(actor=c.operator, client_id=client.pk)
        except Exception:  # blocked by debt or not the operator's: not this bench's business  # nosec B112
            continue
        for sku in rng.sample(c.skus, lines):
            add_line(actor=c.operator, order_id=order.pk, sku=sku, quantity="2")
        drafts.append(order.pk)
    if len(drafts) < count:
        raise SystemExit(f"bench: only {len(drafts)} clients could take an order; the data set is too small")
    return drafts


def ready_to_confirm(c: Cast, order_id: int, rng: random.Random) -> None:
    # III.7: an offer is of a product not on the order (already_in_order otherwise)
    on_order = set(OrderLine.objects.filter(order_id=order_id).values_list("product__sku", flat=True))
    for sku in rng.sample([sku for sku in c.skus if sku not in on_order], 3):
        record_offer(actor=c.operator, order_id=order_id, sku=sku, outcome="declined", reason="bench")
    set_terms(
        actor=c.operator,
        order_id=order_id,
        delivery={
            "date": next_working_day(timezone.localdate()),
            "receiver_name": "Bench Receiver",
            "receiver_phone": "+74950000000",
            "address": "Moscow, bench st. 1",
        },
    )


# --- Server time ------------------------------------------------------------------------------------


def measure_server(c: Cast) -> list[Figure]:
    rng = random.Random(SEED + 1)  # nosec B311
    desk = HttpClient()
    desk.force_login(c.operator)
    api = HttpClient(headers={"Authorization": f"Bearer {c.token}"})
    figures: list[Figure] = []
    created_orders: list[int] = []
    created_calls: list[int] = []

    # Screen pop by phone: the exchange asks who is calling (GET /lookup, "the screen pop's data"
    # of API.md): the client and its card, its debt and who serves the call.
    phones = [client.phones.all()[0].number for client in c.clients[:RUNS]]
    # Warm-up, not timed: a process's first requests import, resolve and prepare what every later
    # request reuses (other callers than the timed ones).
    for client in c.clients[RUNS : RUNS + WARM_UP]:
        api.get("/api/v1/lookup", {"phone": client.phones.all()[0].number})
    figures += server_figures(
        "screen pop by phone (GET /lookup)",
        timed([lambda p=p: api.get("/api/v1/lookup", {"phone": p}) for p in phones]),
        30,
    )
    # The operator's call screen that the exchange opens with it: the same lookup, the card, the
    # last orders and calls, consultations and feedback, the script (a full page, 0.1 s).
    calls = []
    for phone in phones:
        call = register_call(actor=c.operator, direction="inbound", phone=phone)
        calls.append(call.pk)
    created_calls += calls
    figures += server_figures(
        "the operator's call screen (page)",
        timed([lambda pk=pk: desk.get(f"/desk/calls/{pk}/") for pk in calls]),
        100,
    )

    # Client search as the operator types four letters of a Cyrillic name, in lower case.
    terms = [search_term(client.name) for client in rng.sample(c.clients, RUNS)]
    figures += server_figures(
        "client search, 4 letters",
        timed([lambda t=t: desk.get("/desk/", {"q": t}, headers={"HX-Request": "true"}) for t in terms]),
        30,
    )

    # Add a line: to drafts of 5 lines, then to one draft of 1,000 lines.
    drafts = open_drafts(c, RUNS, 5, rng)
    created_orders += drafts
    figures += server_figures(
        "add a line, 5-line order",
        timed(
            [
                lambda pk=pk, sku=sku: api.post(
                    f"/api/v1/orders/{pk}/lines",
                    {"sku": sku, "quantity": "3"},
                    content_type="application/json",
                )
                for pk, sku in zip(drafts, rng.sample(c.skus, len(drafts)), strict=True)
            ]
        ),
        40,
    )
    big = open_drafts(c, 1, 0, rng)[0]
    created_orders.append(big)
    big_lines = min(1000, len(c.skus) - RUNS)  # 1,000 on the bench data set's 5,000 products
    skus = rng.sample(c.skus, big_lines + RUNS)
    for sku in skus[:big_lines]:
        add_line(actor=c.operator, order_id=big, sku=sku, quantity="1")
    figures += server_figures(
        f"add a line, {big_lines:,}-line order",
        timed(
            [
                lambda sku=sku: api.post(
                    f"/api/v1/orders/{big}/lines",
                    {"sku": sku, "quantity": "1"},
                    content_type="application/json",
                )
                for sku in skus[big_lines:]
            ]
        ),
        60,
    )
    figures += server_figures(
        "suggestions",
        timed([lambda pk=pk: api.get(f"/api/v1/orders/{pk}/suggestions") for pk in drafts]),
        60,
    )
    for pk in drafts:
        ready_to_confirm(c, pk, rng)
    figures += server_figures(
        "confirm",
        timed(
            [
                lambda pk=pk: api.post(
                    f"/api/v1/orders/{pk}/confirm", headers={"Idempotency-Key": str(uuid.uuid4())}
                )
                for pk in drafts
            ]
        ),
        80,
    )

    # The head's dashboard over the month, from the pre-aggregated rows.
    today = timezone.localdate()
    for n in range(0, 31):
        build_day(today - timedelta(days=n))
    head = HttpClient()
    head.force_login(c.head)
    figures += server_figures(
        "head's dashboard, month",
        timed([lambda: head.get("/reports/dashboard/", {"period": "month"}) for _ in range(RUNS)]),
        300,
    )
    # What the bench wrote is taken back out, so the next run starts from the same data set.
    ConfirmRequest.objects.filter(order_id__in=created_orders).delete()
    Call.objects.filter(pk__in=created_calls).delete()
    Order.objects.filter(pk__in=created_orders).delete()
    return figures


class SqlFloor:
    """The screen pop's floor: the fewest queries that answer GET /lookup for a caller, straight
    through psycopg: the API token and its user; the client by phone with its type, department,
    head and manager and the three sums of its debt (III.5); its phones."""

    def __init__(self, token: str) -> None:
        import psycopg

        from staff.services import hash_token

        db = settings.DATABASES["default"]
        self.conn = psycopg.connect(
            host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"]
        )
        self.cur = self.conn.cursor()
        self.key_hash = hash_token(token)
        self.today = timezone.localdate()

    def close(self) -> None:
        self.conn.close()

    def time(self, phone: str) -> float:
        """Milliseconds of the three queries for the caller of `phone`."""
        cur, today = self.cur, self.today
        began = time.perf_counter()
        cur.execute(
            "SELECT t.id, t.last_used_at, u.id, u.username, u.department_id FROM staff_apitoken t"
            " JOIN staff_user u ON u.id = t.user_id"
            " WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active",
            (self.key_hash,),
        )
        cur.fetchone()
        cur.execute(
            "SELECT c.id, c.name, c.tax_id, c.region, c.address, c.credit_limit, c.payment_terms_days,"
            " t.code, t.operator_takes_orders, d.code, d.name, h.username, h.full_name, h.presence,"
            " m.username, m.full_name, m.presence, m.is_active,"
            " (SELECT COALESCE(SUM(r.amount - r.paid), 0) FROM clients_receivable r"
            "   WHERE r.client_id = c.id AND r.paid < r.amount AND r.issued_on <= %s),"
            " (SELECT COALESCE(SUM(r.amount - r.paid), 0) FROM clients_receivable r"
            "   WHERE r.client_id = c.id AND r.paid < r.amount AND r.issued_on <= %s AND r.due_on < %s),"
            " (SELECT COALESCE(SUM(o.total), 0) FROM orders_order o"
            "   WHERE o.client_id = c.id AND o.status IN ('confirmed', 'in_fulfilment'))"
            " FROM clients_clientphone p JOIN clients_client c ON c.id = p.client_id"
            " JOIN clients_clienttype t ON t.id = c.type_id"
            " JOIN staff_department d ON d.id = c.department_id"
            " LEFT JOIN staff_user h ON h.id = d.head_id"
            " LEFT JOIN staff_user m ON m.id = c.manager_id WHERE p.number = %s LIMIT 1",
            (today, today, today, phone),
        )
        client_id = cur.fetchone()[0]
        cur.execute("SELECT number FROM clients_clientphone WHERE client_id = %s ORDER BY id", (client_id,))
        cur.fetchall()
        return (time.perf_counter() - began) * 1000


def floor_figures(floor: list[float], screen_pop_p95: float) -> list[Figure]:
    p95 = percentile(floor, 95)
    runs = f"{len(floor)} runs"
    return [
        Figure("screen pop SQL floor (3 queries, psycopg): p95", "ms", round(p95, 2), None, runs),
        Figure("screen pop / its SQL floor (p95)", "x", round(screen_pop_p95 / p95, 1), 5.0),
    ]


def measure_sql_floor(phones: list[str], token: str, screen_pop_p95: float) -> list[Figure]:
    floor = SqlFloor(token)
    try:
        return floor_figures([floor.time(phone) for phone in phones], screen_pop_p95)
    finally:
        floor.close()


# --- Preparation paths: the same screen pop and search under each DB_PREPARE ---------------------------

PATH_ROUNDS = 4


def measure_paths(c: Cast) -> dict[str, list[Figure]]:
    """The screen pop (with its SQL floor) and the client search under each preparation path, on
    the same callers and terms. Each path runs in fresh processes (their settings read DB_PREPARE
    at start, as a server's do), in PATH_ROUNDS rounds of a quarter of the runs each, the paths'
    order turning from round to round, so that a busy moment of this shared machine falls on
    every path alike; each process warms up untimed first. The floor is timed right after each
    screen pop, in the same process."""
    rng = random.Random(SEED + 2)  # nosec B311
    phones = [client.phones.all()[0].number for client in c.clients[:RUNS]]
    terms = [search_term(client.name) for client in rng.sample(c.clients, RUNS)]
    common = {
        "token": c.token,
        "operator": c.operator.pk,
        "warm_phones": [client.phones.all()[0].number for client in c.clients[RUNS : RUNS + WARM_UP]],
        "warm_terms": [search_term(client.name) for client in rng.sample(c.clients, WARM_UP)],
    }
    spent: dict[str, dict[str, list[float]]] = {
        path: {"pop": [], "floor": [], "search": []} for path in PREPARE_PATHS
    }
    for n in range(PATH_ROUNDS):
        job = {**common, "phones": phones[n::PATH_ROUNDS], "terms": terms[n::PATH_ROUNDS]}
        for path in PREPARE_PATHS[n % len(PREPARE_PATHS) :] + PREPARE_PATHS[: n % len(PREPARE_PATHS)]:
            done = subprocess.run(  # nosec B603
                [sys.executable, "-m", "bench.measure", "--one-path"],
                input=json.dumps(job),
                cwd=ROOT,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "calldesk.settings.bench", "DB_PREPARE": path},
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"bench: the {path} preparation path failed:\n{done.stderr[-3000:]}")
            for key, values in json.loads(done.stdout.splitlines()[-1]).items():
                spent[path][key] += values
    found = {}
    for path, times in spent.items():
        pop = server_figures("screen pop by phone (GET /lookup)", times["pop"], 30)
        found[path] = (
            pop
            + floor_figures(times["floor"], pop[1].value)
            + server_figures("client search, 4 letters", times["search"], 30)
        )
    return found


def one_path() -> None:
    """`python -m bench.measure --one-path` (run by measure_paths): times the job on stdin under
    this process's DB_PREPARE and prints the milliseconds as one JSON line."""
    job = json.loads(sys.stdin.read())
    api = HttpClient(headers={"Authorization": f"Bearer {job['token']}"})
    desk = HttpClient()
    desk.force_login(User.objects.get(pk=job["operator"]))
    search = {"headers": {"HX-Request": "true"}}
    for phone in job["warm_phones"]:
        api.get("/api/v1/lookup", {"phone": phone})
    for term in job["warm_terms"]:
        desk.get("/desk/", {"q": term}, **search)
    floor = SqlFloor(job["token"])
    pop, floors = [], []
    try:
        for phone in job["phones"]:
            pop += timed([lambda p=phone: api.get("/api/v1/lookup", {"phone": p})])
            floors.append(floor.time(phone))
    finally:
        floor.close()
    found = timed([lambda t=t: desk.get("/desk/", {"q": t}, **search) for t in job["terms"]])
    print(json.dumps({"pop": pop, "floor": floors, "search": found}))


def print_paths(paths: dict[str, list[Figure]]) -> None:
    names = [f.name for f in next(iter(paths.values()))]
    width = max(len(name) for name in names)
    print(f"\nEach preparation path (DB_PREPARE; this run's: {settings.DB_PREPARE}), in fresh processes:\n")
    print(f"{'measure'.ljust(width)}  " + "  ".join(f"{path:>10}" for path in paths) + f"  {'budget':>10}")
    for n, name in enumerate(names):
        row = [paths[path][n] for path in paths]
        cells = "  ".join(f"{f'{f.value:g} {f.unit}'.strip() + ('' if f.passed else '*'):>10}" for f in row)
        budget = f"<= {row[0].budget:g}" if row[0].budget is not None else ""
        print(f"{name.ljust(width)}  {cells}  {budget:>10}")
    print("(* over its budget)")


# --- Load: operators at once against gunicorn ---------------------------------------------------------


def measure_load(c: Cast) -> list[Figure]:
    import http.client

    port = int(os.environ.get("BENCH_PORT", "0")) or free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "calldesk.settings.bench"}
    server = subprocess.Popen(  # nosec B603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "calldesk.asgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={os.environ.get('BENCH_WORKERS', '4')}",
            # as production serves it (Dockerfile): uvicorn workers, so open streams hold no thread
            "--worker-class=uvicorn_worker.UvicornWorker",
            "--preload",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        tokens = operator_tokens(OPERATORS)
        exchange = exchange_token()
        streams = Streams(port, stream_users(OPERATORS, STREAMS))
        streams.open()
        registered: list[tuple[int, float]] = []  # (call, when the exchange sent it)
        clients = [client for client in c.clients[RUNS + 50 :] if client.phones.all()]
        steps: dict[str, list[float]] = {}
        errors: list[str] = []
        orders_done = [0]
        created: list[int] = []
        lock = threading.Lock()

        def operator_loop(n: int, token: str) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            mine = random.Random(SEED + 100 + n)  # nosec B311

            def step(name: str, method: str, path: str, body: dict | None = None, extra: dict | None = None):
                # a person reads the screen and types between two steps (time not counted)
                time.sleep(mine.uniform(*THINK_SECONDS))
                began = time.perf_counter()
                last_sent[0] = began
                conn.request(
                    method,
                    path,
                    body=json.dumps(body) if body is not None else None,
                    headers={**headers, **(extra or {})},
                )
                response = conn.getresponse()
                payload = response.read()
                spent = (time.perf_counter() - began) * 1000
                with lock:
                    steps.setdefault(name, []).append(spent)
                if response.status >= 400:
                    raise RuntimeError(f"{name}: {response.status} {payload[:200]!r}")
                return json.loads(payload) if payload else {}

            last_sent = [0.0]
            username = f"bench_load_{n + 1:02d}"
            while time.monotonic() < deadline:
                client = mine.choice(clients)
                try:
                    # The exchange registers the call for this operator (III.1), whose page pops.
                    call = step(
                        "register the call",
                        "POST",
                        "/api/v1/calls",
                        {
                            "direction": "inbound",
                            "phone": client.phones.all()[0].number,
                            "operator": username,
                        },
                        {"Authorization": f"Bearer {exchange}"},
                    )
                    with lock:
                        registered.append((call["id"], last_sent[0]))
                    if call["lookup"]["route"]["handler"] != "operator":
                        step(
                            "wrap up",
                            "POST",
                            f"/api/v1/calls/{call['id']}/end",
                            {"purpose": "order", "outcome": "no_answer"},
                        )
                        continue
                    order = step(
                        "start the order", "POST", "/api/v1/orders", {"client": client.pk, "call": call["id"]}
                    )
                    with lock:
                        created.append(order["id"])
                    # five lines and three offers of eight different products: an offer is of a
                    # product not on the order (III.7, already_in_order otherwise)
                    picked = mine.sample(c.skus, 8)
                    for sku in picked[:5]:
                        step(
                            "add a line",
                            "POST",
                            f"/api/v1/orders/{order['id']}/lines",
                            {"sku": sku, "quantity": "2"},
                        )
                    step("suggestions", "GET", f"/api/v1/orders/{order['id']}/suggestions")
                    for sku in picked[5:]:
                        step(
                            "offer",
                            "POST",
                            f"/api/v1/orders/{order['id']}/offers",
                            {"sku": sku, "outcome": "declined", "reason": "bench"},
                        )
                    step(
                        "delivery terms",
                        "PATCH",
                        f"/api/v1/orders/{order['id']}",
                        {
                            "delivery": {
                                "date": next_working_day(timezone.localdate()).isoformat(),
                                "receiver_name": "Bench Receiver",
                                "receiver_phone": "+74950000000",
                                "address": "Moscow, bench st. 1",
                            }
                        },
                    )
                    step(
                        "confirm",
                        "POST",
                        f"/api/v1/orders/{order['id']}/confirm",
                        None,
                        {"Idempotency-Key": str(uuid.uuid4())},
                    )
                    step(
                        "wrap up",
                        "POST",
                        f"/api/v1/calls/{call['id']}/end",
                        {"purpose": "order", "outcome": "order_taken", "order": order["id"]},
                    )
                    with lock:
                        orders_done[0] += 1
                except Exception as error:  # every error is counted and shown
                    with lock:
                        errors.append(str(error)[:300])
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        warm_up(port, tokens[0], [client.phones.all()[0].number for client in clients[:40]])
        deadline = time.monotonic() + LOAD_SECONDS
        began = time.monotonic()
        threads = [threading.Thread(target=operator_loop, args=(n, t)) for n, t in enumerate(tokens)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        minutes = (time.monotonic() - began) / 60
        time.sleep(2)  # the last pops still on their way
        still_open = streams.still_open()
    finally:
        streams.close()
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    figures = [
        Figure(
            f"{OPERATORS} operators, {LOAD_SECONDS} s: orders a minute",
            "/min",
            round(orders_done[0] / minutes, 1),
            None,
            f"{THINK_SECONDS[0]:g}-{THINK_SECONDS[1]:g} s between steps",
        ),
        Figure(f"{OPERATORS} operators: errors", "", len(errors), 0, "; ".join(sorted(set(errors))[:3])),
    ]
    for name, spent in steps.items():
        figures.append(
            Figure(
                f"{OPERATORS} operators: {name}, p95",
                "ms",
                round(percentile(spent, 95), 1),
                250,
                f"{len(spent)} requests",
            )
        )
    figures += streams.figures(registered, still_open)
    # Take back what the load wrote, so the next run starts from the same data set.
    ConfirmRequest.objects.filter(order_id__in=created).delete()
    Call.objects.filter(operator__username__startswith="bench_load_").delete()
    Order.objects.filter(pk__in=created).delete()
    return figures


class Streams:
    """Pages holding the push channel open (GET /live/, Server-Sent Events), one thread each
    blocked on its socket, noting when each call's screen pop (the call-pop event) arrives."""

    def __init__(self, port: int, sessions: list[str]) -> None:
        self.port = port
        self.sessions = sessions
        self.arrived: dict[int, float] = {}
        self.opened = 0
        self.closed = 0
        self.refused: list[str] = []
        self.lock = threading.Lock()
        self.connections: list = []

    def open(self) -> None:
        for key in self.sessions:
            threading.Thread(target=self._read, args=(key,), daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.opened + len(self.refused) < len(self.sessions):
            time.sleep(0.1)

    def still_open(self) -> int:
        with self.lock:
            return self.opened - self.closed

    def close(self) -> None:
        """Hang up every page, so the server's graceful stop does not wait for them."""
        import socket

        with self.lock:
            connections = list(self.connections)
        for conn in connections:
            with contextlib.suppress(OSError, AttributeError):
                conn.sock.shutdown(socket.SHUT_RDWR)

    def _read(self, session_key: str) -> None:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=LOAD_SECONDS + 120)
        with self.lock:
            self.connections.append(conn)
        try:
            conn.request(
                "GET", "/live/", headers={"Cookie": f"sessionid={session_key}", "Accept": "text/event-stream"}
            )
            response = conn.getresponse()
            if response.status != 200:
                with self.lock:
                    self.refused.append(f"GET /live/: {response.status}")
                return
            with self.lock:
                self.opened += 1
            event = ""
            while line := response.readline():
                text = line.decode("utf-8").rstrip("\r\n")
                if text.startswith("event:"):
                    event = text[6:].strip()
                elif text.startswith("data:") and event == "call-pop":
                    call = json.loads(text[5:].strip())["call"]
                    with self.lock:
                        self.arrived.setdefault(call, time.perf_counter())
                elif not text:
                    event = ""
        except (OSError, ValueError) as error:
            with self.lock:
                self.refused.append(f"GET /live/: {error}")
        finally:
            with self.lock:
                self.closed += 1
            conn.close()

    def figures(self, registered: list[tuple[int, float]], still_open: int) -> list[Figure]:
        """The pop latency: from the exchange sending POST /calls to the operator's page hearing it."""
        spent = [(self.arrived[call] - sent) * 1000 for call, sent in registered if call in self.arrived]
        missed = len(registered) - len(spent)
        streams = f"{len(self.sessions)} streams"
        figures = [
            Figure(f"{streams} open beside the operators", "", still_open, None, f"{self.opened} opened"),
            Figure(
                "screen pops that never arrived",
                "",
                missed + len(self.refused),
                0,
                "; ".join(sorted(set(self.refused))[:3]),
            ),
        ]
        if spent:
            figures += [
                Figure(
                    "screen pop pushed: p50",
                    "ms",
                    round(percentile(spent, 50), 1),
                    None,
                    f"{len(spent)} calls",
                ),
                Figure(
                    "screen pop pushed: p95",
                    "ms",
                    round(percentile(spent, 95), 1),
                    1000,
                    f"{len(spent)} calls",
                ),
            ]
        return figures


def exchange_token() -> str:
    """A token of the telephone exchange (its permission: EXCHANGE, to register anyone's calls and
    set anyone's presence), which registers each call for its operator."""
    from django.contrib.auth.models import Permission

    from staff.services import set_role

    user, created = User.objects.get_or_create(username="bench_exchange", defaults={"full_name": "Exchange"})
    if created:
        set_role(user=user, role=Role.COMMERCIAL)
    user.user_permissions.add(
        *Permission.objects.filter(codename="set_any_presence", content_type__app_label="staff")
    )
    return issue_api_token(user=user, name="bench exchange").raw


def stream_users(operators: int, count: int) -> list[str]:
    """Signed-in sessions for `count` pages: each load operator's (whose pops are timed), then
    the data set's staff in turn (several pages each, as people keep several tabs)."""
    from django.contrib.sessions.backends.db import SessionStore

    from calldesk.middleware import SlidingSessionMiddleware

    people = [User.objects.get(username=f"bench_load_{n:02d}") for n in range(1, operators + 1)]
    others = list(User.objects.filter(is_active=True).exclude(username__startswith="bench_").order_by("pk"))
    keys = []
    for n in range(count):
        user = people[n] if n < len(people) else others[(n - len(people)) % len(others)]
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session[SlidingSessionMiddleware.KEY] = int(time.time())
        session.create()
        keys.append(session.session_key)
    return keys


def warm_up(port: int, token: str, phones: list[str]) -> None:
    """Each gunicorn worker's first requests load code and open pooled connections: send a few
    lookups from several connections at once before the clock starts."""
    import http.client

    def send(batch: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for phone in batch:
            conn.request("GET", f"/api/v1/lookup?phone={phone}", headers={"Authorization": f"Bearer {token}"})
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=send, args=(phones[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("bench: gunicorn did not start")


def operator_tokens(count: int) -> list[str]:
    """`count` operators of their own (bench_load_NN) with a token each."""
    from staff.services import set_role

    tokens = []
    for n in range(1, count + 1):
        user, created = User.objects.get_or_create(
            username=f"bench_load_{n:02d}", defaults={"full_name": f"Load operator {n}"}
        )
        if created:
            set_role(user=user, role=Role.OPERATOR)
        tokens.append(issue_api_token(user=user, name="bench load").raw)
    return tokens


# --- Nightly jobs -----------------------------------------------------------------------------------


def measure_job(name: str, args: list[str], budget_s: float, budget_mb: float) -> list[Figure]:
    """Run a management command in a process of its own: wall time and that process's peak memory."""
    code = (
        "import resource, subprocess, sys, time\n"
        "began = time.monotonic()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.monotonic() - began\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(done.returncode, round(wall, 2), round(peak, 1))\n"
        "sys.stderr.write(done.stderr[-2000:])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "calldesk.settings.bench"}
    out = subprocess.run(  # nosec B603
        [sys.executable, "-c", code, sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    status, wall, peak = out.stdout.split()
    if status != "0":
        raise SystemExit(f"bench: {name} failed:\n{out.stderr}")
    return [
        Figure(f"{name}: wall time", "s", float(wall), budget_s),
        Figure(f"{name}: peak memory", "MB", float(peak), budget_mb),
    ]


def measure_jobs() -> list[Figure]:
    today = timezone.localdate()
    CallList.objects.filter(source=CallList.Source.DORMANT, day=today).delete()  # built afresh
    yesterday = (today - timedelta(days=1)).isoformat()
    return measure_job(
        "nightly dormant list", ["build_dormant_list", "--on", today.isoformat()], 20, 300
    ) + measure_job("daily operator reports, one day", ["build_operator_reports", "--on", yesterday], 20, 300)


# --- The table ----------------------------------------------------------------------------------------


def scale() -> dict:
    from calls.models import Call as CallModel
    from clients.models import Receivable
    from orders.models import OrderLine

    with connection.cursor() as cursor:
        counts = {}
        for label, model in [
            ("clients", Client),
            ("products", Product),
            ("receivables", Receivable),
            ("orders", Order),
            ("order lines", OrderLine),
            ("calls", CallModel),
        ]:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table]
            )
            counts[label] = int(cursor.fetchone()[0])
    return counts


def main() -> int:
    if connection.vendor != "postgresql":
        raise SystemExit("bench: run it on PostgreSQL (make bench starts one)")
    began = time.monotonic()
    c = cast()
    figures = []
    if "server" in PARTS:
        figures += measure_server(c)
        screen_pop_p95 = next(f.value for f in figures if f.name == "screen pop by phone (GET /lookup): p95")
        phones = [client.phones.all()[0].number for client in c.clients[:RUNS]]
        figures += measure_sql_floor(phones, c.token, screen_pop_p95)
    paths = measure_paths(c) if "paths" in PARTS else {}
    if "load" in PARTS:
        figures += measure_load(c)
    if "jobs" in PARTS:
        figures += measure_jobs()
    print(f"\ncalldesk bench on {scale()} (estimated rows), DB_PREPARE={settings.DB_PREPARE}\n")
    if figures:  # BENCH_PARTS=paths alone has only the paths' table
        width = max(len(f.name) for f in figures)
        print(f"{'measure'.ljust(width)}  {'value':>10}  {'budget':>10}  result")
        for f in figures:
            budget = f"<= {f.budget:g}" if f.budget is not None else ""
            verdict = ("PASS" if f.passed else "FAIL") if f.budget is not None else ""
            value = f"{f.value:g} {f.unit}".strip()
            print(f"{f.name.ljust(width)}  {value:>10}  {budget:>10}  {verdict}  {f.detail}".rstrip())
    if paths:
        print_paths(paths)
    failed = [f for f in figures if not f.passed]
    results = {
        "when": timezone.now().isoformat(),
        "scale": scale(),
        "runs": RUNS,
        "seconds": round(time.monotonic() - began, 1),
        "db_prepare": settings.DB_PREPARE,
        "figures": [{**asdict(f), "passed": f.passed} for f in figures],
        "paths": {path: [{**asdict(f), "passed": f.passed} for f in found] for path, found in paths.items()},
        "parts": sorted(PARTS),
        "passed": not failed,
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"\n{len(figures) - len(failed)} of {len(figures)} figures within budget; bench/results.json written."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--one-path"]:
        one_path()
        sys.exit(0)
    sys.exit(main())
