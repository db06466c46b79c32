"""Past incidents of the same services, from the index and from stored incidents."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bot.investigate.history import (
    from_records,
    read_incident_index,
    suggest_past_incidents,
)

DOCS = Path(__file__).parent / "fixtures" / "investigate" / "docs"


@dataclass
class StoredIncident:
    number: int
    title: str
    severity: int | None
    services: list[str]
    declared_at: datetime


def test_index_rows_read():
    incidents = read_incident_index(DOCS)

    assert [i.reference for i in incidents] == ["INC-14", "INC-9", "INC-5", "INC-2"]
    first = incidents[0]
    assert first.title == "Checkout | payments timeouts"
    assert first.day == date(2026, 11, 28)
    assert first.severity == "SEV2"
    assert first.services == ("checkout", "payments")
    assert (
        first.postmortem == "docs/postmortems/2026-11-28-checkout-payments-timeouts.md"
    )
    assert first.source == "index"


def test_index_row_without_postmortem_file():
    incidents = {i.reference: i for i in read_incident_index(DOCS)}

    assert incidents["INC-5"].services == ()
    assert incidents["INC-2"].services == ()  # "none recorded"


def test_missing_index_gives_nothing(tmp_path):
    assert read_incident_index(tmp_path) == ()


def test_records_converted():
    stored = StoredIncident(
        21, "Cart empties", 2, ["cart"], datetime(2026, 12, 1, 8, tzinfo=UTC)
    )

    (incident,) = from_records([stored], {2: "Major"})

    assert incident.reference == "INC-21"
    assert incident.severity == "Major"
    assert incident.services == ("cart",)
    assert incident.day == date(2026, 12, 1)
    assert incident.source == "database"


def test_suggest_by_shared_services_then_title():
    matches = suggest_past_incidents(["payments"], read_incident_index(DOCS))

    assert [m.incident.reference for m in matches] == ["INC-14", "INC-5"]
    assert matches[0].shared_services == ("payments",)
    assert matches[1].shared_services == ()  # found by its title only


def test_suggest_prefers_database_and_excludes_current():
    stored = from_records(
        [
            StoredIncident(
                14,
                "Checkout timeouts",
                2,
                ["checkout"],
                datetime(2026, 11, 28, tzinfo=UTC),
            ),
            StoredIncident(
                30, "Checkout down", 1, ["checkout"], datetime(2026, 12, 4, tzinfo=UTC)
            ),
        ],
        {},
    )

    matches = suggest_past_incidents(
        ["checkout"], [*stored, *read_incident_index(DOCS)], exclude=["INC-30"]
    )

    assert [m.incident.reference for m in matches] == ["INC-14"]
    assert matches[0].incident.source == "database"


def test_suggest_limit_keeps_newest_ties():
    matches = suggest_past_incidents(
        ["checkout", "catalog"], read_incident_index(DOCS), limit=1
    )

    assert [m.incident.reference for m in matches] == ["INC-14"]
