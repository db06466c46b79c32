"""Runbooks found in Markdown folders and matched to services, alerts and failures."""

import shutil
from pathlib import Path

import pytest

from bot.investigate.runbooks import find_runbooks, match_runbooks, words

DOCS = Path(__file__).parent / "fixtures" / "investigate" / "docs"


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    """Scan the fixture folders plus a Latin-1 runbook written here.

    The Latin-1 file is not committed because `ruff format` rejects non-UTF-8 files.
    """
    root = tmp_path_factory.mktemp("docs")
    shutil.copytree(DOCS, root, dirs_exist_ok=True)
    latin1 = "# Café réseau\n\nLatin-1 bytes, not UTF-8.\n".encode("latin-1")
    (root / "docs" / "runbooks" / "latin1.md").write_bytes(latin1)
    return find_runbooks([root])


def paths_of(matches):
    return [match.runbook.path for match in matches]


def test_runbooks_found_in_both_folders(scan):
    assert sorted(r.path for r in scan.runbooks) == [
        "docs/runbooks/broken-front-matter.md",
        "docs/runbooks/checkout-latency.md",
        "docs/runbooks/database/disk-full.md",
        "docs/runbooks/list-front-matter.md",
        "docs/runbooks/payments-provider.md",
        "runbooks/redis-evictions.markdown",
    ]


def test_odd_files_warn_or_skip(scan):
    assert sorted(scan.warnings) == [
        "docs/runbooks/broken-front-matter.md:3: invalid YAML front matter; "
        "matched by its text only.",
        "docs/runbooks/empty.md: empty; skipped.",
        "docs/runbooks/latin1.md: not UTF-8 text; skipped. Save it as UTF-8.",
        "docs/runbooks/list-front-matter.md: front matter is not a mapping; "
        "matched by its text only.",
    ]


def test_front_matter_fields_read(scan):
    runbook = next(r for r in scan.runbooks if r.path.endswith("checkout-latency.md"))

    assert runbook.title == "Checkout latency"
    assert runbook.services == ("checkout", "payments")
    assert runbook.alerts == ("CheckoutHighLatency", "CheckoutP99Slow")
    assert runbook.failure_modes == ("latency", "connection pool exhausted")


def test_singular_keys_and_comma_lists(scan):
    runbook = next(r for r in scan.runbooks if r.path.endswith("disk-full.md"))

    assert runbook.services == ("db",)
    assert runbook.failure_modes == ("disk full", "no space left on device")
    assert runbook.title == "Postgres disk full"


def test_title_from_heading_without_front_matter(scan):
    runbook = next(r for r in scan.runbooks if r.path.endswith("payments-provider.md"))

    assert runbook.title == "Payments provider outage"
    assert runbook.services == ()


def test_match_service_ranks_front_matter_first(scan):
    matches = match_runbooks(scan.runbooks, services=["checkout"])

    assert paths_of(matches) == [
        "docs/runbooks/checkout-latency.md",  # front matter lists checkout
        "docs/runbooks/broken-front-matter.md",  # its title names checkout
        "docs/runbooks/database/disk-full.md",  # text mentions checkout
        "runbooks/redis-evictions.markdown",  # text mentions checkout
    ]
    assert matches[0].reasons == ("front matter lists service checkout",)


def test_match_alert_by_name(scan):
    matches = match_runbooks(scan.runbooks, alerts=["CheckoutHighLatency"])

    assert paths_of(matches) == ["docs/runbooks/checkout-latency.md"]


def test_match_failure_mode_words(scan):
    matches = match_runbooks(scan.runbooks, failure_modes=["disk full"])

    assert paths_of(matches) == ["docs/runbooks/database/disk-full.md"]
    assert matches[0].score == 10


def test_match_without_front_matter_by_heading(scan):
    matches = match_runbooks(scan.runbooks, services=["redis"])

    assert paths_of(matches) == ["runbooks/redis-evictions.markdown"]
    assert matches[0].reasons == ("title, file name or a heading names redis",)


def test_match_combines_terms(scan):
    matches = match_runbooks(
        scan.runbooks, services=["payments"], failure_modes=["latency"]
    )

    assert matches[0].runbook.path == "docs/runbooks/checkout-latency.md"
    assert matches[0].score == 20


def test_match_nothing_returns_empty(scan):
    assert match_runbooks(scan.runbooks, services=["ledger"]) == ()


def test_missing_folders_give_nothing(tmp_path):
    found = find_runbooks([tmp_path])

    assert found.runbooks == ()
    assert found.warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CheckoutHighLatency", ["checkout", "high", "latency"]),
        ("HTTPErrorRate", ["http", "error", "rate"]),
        ("disk_full", ["disk", "full"]),
        ("redis-cart", ["redis", "cart"]),
    ],
    ids=["camel", "acronym", "snake", "kebab"],
)
def test_words_split_names(text, expected):
    assert words(text) == expected
