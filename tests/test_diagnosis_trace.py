"""Error search and stack-trace resolution against a repository in four languages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.investigate.changes import ServicePaths
from bot.investigate.errors import InvestigationError
from bot.investigate.trace import TraceQuery, trace
from bot.investigate.trace_format import format_trace
from tests.diagnosis_repos import POOL_FILE, POOL_MESSAGE_LINE, make_shop

SINCE = datetime(2026, 12, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

PYTHON_TRACE = """\
Traceback (most recent call last):
  File "/usr/lib/python3.11/threading.py", line 1038, in _bootstrap_inner
    self.run()
  File "/srv/shop/services/checkout/pool.py", line 16, in acquire
    raise PoolExhausted(
checkout.pool.PoolExhausted: connection pool exhausted after 5 retries for user 'bob'
"""
JAVA_TRACE = """\
java.lang.IllegalStateException: Not enough stock for ABC-1
\tat com.acme.shop.Inventory.reserve(Inventory.java:12)
\tat com.acme.shop.Checkout.run(Checkout.java:30)
\tat java.base/java.lang.Thread.run(Thread.java:833)
"""
GO_TRACE = """\
panic: card declined by issuer

goroutine 1 [running]:
example.com/shop/payments.(*Gateway).Charge(0xc000012345, 0x5)
\t/home/build/shop/payments/gateway.go:11 +0x65
main.main()
\t/home/build/shop/cmd/main.go:9 +0x1d
"""
NODE_TRACE = """\
Error: Item Blue Mug has no SKU
    at Cart.addItem (/srv/app/web/src/cart.js:4:13)
    at Object.<anonymous> (/srv/app/web/src/index.js:7:6)
    at Module._compile (node:internal/modules/cjs/loader:1256:14)
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shop(tmp_path_factory.mktemp("trace") / "shop")


def targets(shop: Path) -> list[ServicePaths]:
    return [
        ServicePaths("checkout", shop, ("services/checkout",)),
        ServicePaths("payments", shop, ("payments/*.go",)),
        ServicePaths("inventory", shop, ("src/main/java",)),
        ServicePaths("web", shop, ("web",)),
    ]


def run(shop: Path, text: str):
    return trace([shop], targets(shop), TraceQuery(text, SINCE, UNTIL))


def places(report) -> list[tuple[str, int]]:
    return [(hit.file, hit.line) for hit in report.hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card declined by issuer", ("payments/gateway.go", 11)),
        (
            "invalid amount -5 for gateway https://pay.example",
            ("payments/gateway.go", 9),
        ),
        ("released connection 7 to pool 'a'", (POOL_FILE, 22)),
        ("Item Blue Mug has no SKU", ("web/src/cart.js", 4)),
        ("IllegalStateException", ("src/main/java/com/acme/shop/Inventory.java", 12)),
        (
            "CONNECTION POOL   exhausted after 12 retries",
            (POOL_FILE, POOL_MESSAGE_LINE),
        ),
    ],
    ids=["exact", "printf", "format-braces", "template", "exception-name", "spacing"],
)
def test_trace_finds_error_site(shop, text, expected):
    report = run(shop, text)

    assert expected in places(report)


def test_trace_hit_details(shop):
    report = run(shop, "connection pool exhausted after 5 retries for user 'bob'")

    hit = report.hits[0]
    assert (hit.file, hit.line) == (POOL_FILE, POOL_MESSAGE_LINE)
    assert hit.service == "checkout"
    assert hit.function == "Pool.acquire"
    assert hit.role == "raised"
    assert hit.blame is not None
    assert hit.blame.summary == "Retry the pool five times"
    assert hit.blame.committed_at == datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    assert hit.in_window
    assert report.pattern is not None
    assert "fixed words" in report.pattern


def test_trace_ranks_window_first(shop):
    report = run(shop, "pool")

    flags = [hit.in_window for hit in report.hits]
    assert flags[0]
    assert flags == sorted(flags, reverse=True)
    assert not all(flags)


def test_trace_old_line_outside_window(shop):
    report = run(shop, "card declined by issuer")

    hit = report.hits[0]
    assert hit.function == "Gateway.Charge"
    assert hit.role == "raised"
    assert not hit.in_window
    assert hit.blame is not None
    assert hit.blame.summary == "Add the shop services"


def test_trace_handled_and_logged_roles(shop):
    report = run(shop, "checkout failed for cart")

    hit = report.hits[0]
    assert hit.file == "web/src/cart.js"
    assert hit.role == "logged"
    assert hit.function == "checkout"


def test_trace_nothing_found(shop):
    report = run(shop, "quantum flux capacitor overheated")

    assert report.hits == ()
    assert report.pattern is None
    assert format_trace(report).startswith("No place")


@pytest.mark.parametrize(
    ("text", "file", "line", "function", "unresolved"),
    [
        (PYTHON_TRACE, POOL_FILE, 16, "Pool.acquire", "threading.py:1038"),
        (
            JAVA_TRACE,
            "src/main/java/com/acme/shop/Inventory.java",
            12,
            "reserve",
            "Checkout.java:30",
        ),
        (GO_TRACE, "payments/gateway.go", 11, "Gateway.Charge", "cmd/main.go:9"),
        (NODE_TRACE, "web/src/cart.js", 4, "addItem", "index.js:7"),
    ],
    ids=["python", "java", "go", "node"],
)
def test_trace_resolves_frames(shop, text, file, line, function, unresolved):
    report = run(shop, text)

    frames = [hit for hit in report.hits if hit.frame is not None]
    assert [(hit.file, hit.line) for hit in frames] == [(file, line)]
    assert frames[0].function == function
    assert frames[0].role == "frame"
    assert unresolved in format_trace(report)


def test_trace_frame_and_message_once(shop):
    report = run(shop, PYTHON_TRACE)

    assert places(report).count((POOL_FILE, 16)) == 1
    assert (POOL_FILE, POOL_MESSAGE_LINE) in places(report)


def test_trace_caps_hits(shop):
    query = TraceQuery("self", SINCE, UNTIL, max_hits=2)

    report = trace([shop], targets(shop), query)

    assert len(report.hits) == 2
    assert report.omitted > 0
    assert f"({report.omitted} not listed)" in format_trace(report)


def test_trace_skips_non_repository(shop, tmp_path):
    report = trace([tmp_path, shop], targets(shop), TraceQuery("pool", SINCE, UNTIL))

    assert report.hits
    assert report.warnings == (f"{tmp_path} is not a git checkout; skipped.",)


@pytest.mark.parametrize(
    ("text", "message"),
    [("  ", "Give the error text"), ("x" * 5000, "the limit is 4000")],
    ids=["empty", "too-long"],
)
def test_trace_rejects_text(shop, text, message):
    with pytest.raises(InvestigationError, match=message):
        run(shop, text)
