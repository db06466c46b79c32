"""Each blameless-review finding, on a draft built to trigger it, and a clean draft."""

from __future__ import annotations

import pytest

from bot.docs.review import review


def context(**changes):
    base = {
        "summary": "Checkout failed for EU users after a config push.",
        "impact": ["40% of checkouts failed for 47 minutes"],
        "trigger": ["config push 4812"],
        "cause": ["the config loader accepted an empty pool size"],
        "whys": ["the pool size was empty"],
        "factors": ["no validation on the config schema"],
        "lessons": {"went-well": [], "went-wrong": [], "lucky": []},
        "actions": [
            {
                "priority": "P1",
                "category": "prevent",
                "text": "Validate pool sizes in the config loader",
                "owner": "U1",
                "due": "2026-12-20",
                "status": "open",
            }
        ],
        "services_without_slo": [],
        "slo_findings": [],
    }
    base.update(changes)
    return base


def action(text="Add an alert", **changes):
    item = {
        "priority": "P2",
        "category": "detect",
        "text": text,
        "owner": "U1",
        "due": "2026-12-20",
        "status": "open",
    }
    item.update(changes)
    return item


def large_share():
    return {
        "kind": "postmortem-required",
        "service": "checkout",
        "message": "INC-1 used 43.52% of the checkout/availability budget, more than "
        "20%: it requires a postmortem with a P0 action item.",
        "rule": "",
    }


def test_slo_items_satisfy_error_budget_findings():
    draft = context(
        services_without_slo=["payments"],
        slo_findings=[large_share()],
        actions=[
            action("Define an SLO for payments", priority="P0", category="prevent")
        ],
    )

    assert review(draft, severity_level=3) == []


def test_clean_draft_has_no_findings():
    assert review(context(), severity_level=2) == []


@pytest.mark.parametrize(
    ("changes", "severity", "expected"),
    [
        pytest.param(
            {"cause": ["human error during the deploy"]},
            3,
            "human error",
            id="human-error",
        ),
        pytest.param(
            {"cause": ["<@U0ABC123|sam> ran the wrong script"]},
            3,
            "names a person",
            id="person",
        ),
        pytest.param(
            {"summary": "Sam was careless with the flag."},
            3,
            '"careless"',
            id="careless",
        ),
        pytest.param(
            {"factors": ["ops should have checked"]},
            3,
            '"should have"',
            id="should-have",
        ),
        pytest.param(
            {"whys": ["the on-call failed to page"]}, 3, '"failed to"', id="failed-to"
        ),
        pytest.param(
            {"actions": [action("The alert threshold")]},
            3,
            "does not start with a verb",
            id="no-verb",
        ),
        pytest.param({"actions": [action(owner="")]}, 3, "has no owner", id="owner"),
        pytest.param({"actions": [action(due="")]}, 3, "has no due date", id="due"),
        pytest.param(
            {"actions": [action(category="process")]},
            3,
            "prevents a recurrence",
            id="no-prevent",
        ),
        pytest.param(
            {"actions": [action(priority="P2")]},
            1,
            "SEV1 incident has no P0 or P1",
            id="sev1-p2",
        ),
        pytest.param(
            {"cause": ["the payment provider returned 503s"]},
            3,
            "third party",
            id="third-party",
        ),
        pytest.param(
            {"services_without_slo": ["payments"]},
            3,
            'payments was affected but has no SLO. Add the P0 action item "Define an '
            'SLO for payments"',
            id="service-without-slo",
        ),
        pytest.param(
            {"slo_findings": [large_share()]},
            3,
            "more than 20%",
            id="large-budget-share",
        ),
    ],
)
def test_finding_reported(changes, severity, expected):
    findings = review(context(**changes), severity_level=severity)

    messages = [finding.message for finding in findings]
    assert any(expected in message for message in messages), messages


def test_resilience_item_satisfies_third_party():
    draft = context(
        cause=["the payment provider returned 503s"],
        actions=[
            action(
                "Add a circuit breaker around the payment provider", category="prevent"
            )
        ],
    )

    assert review(draft, severity_level=3) == []
