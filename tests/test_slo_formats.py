"""SLO files in every supported format load, and broken ones name what is wrong."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import SHARED

from bot.errors import ConfigError
from bot.slo.loader import default_slo_path, load_slo_file, load_slo_files
from bot.slo.model import BudgetingMethod, Window

SHARED_SLO_FILES = sorted((SHARED / "slo").iterdir())


def write(tmp_path: Path, text: str, name: str = "slo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SHARED_SLO_FILES, ids=lambda path: path.name)
def test_shared_file_loads(path):
    catalog = load_slo_file(path)

    assert catalog.slos or catalog.alert_windows


def test_sloth_objectives_are_percentages():
    catalog = load_slo_file(SHARED / "slo" / "sloth_kubernetes-apiserver.yml")

    objectives = {slo.name: slo.objective for slo in catalog.slos}
    assert objectives == {
        "requests-availability": Fraction(999, 1000),
        "requests-latency": Fraction(99, 100),
    }
    assert {slo.service for slo in catalog.slos} == {"k8s-apiserver"}
    assert catalog.slos[0].window == Window.rolling_days(30)
    assert catalog.slos[0].error_query is not None
    assert "{{.window}}" in catalog.slos[0].error_query


def test_openslo_lowercase_m_is_minutes():
    catalog = load_slo_file(SHARED / "slo" / "openslo_timeslices-slo.yaml")

    internal, sla = catalog.slos
    assert internal.window.length == timedelta(minutes=1)
    assert internal.window.months == 0
    assert internal.objective == Fraction(995, 1000)
    assert internal.slice_target == Fraction(99, 100)
    assert internal.slice_length == timedelta(minutes=1)
    assert sla.objective == Fraction(99, 100)
    assert len(catalog.warnings) == 2
    assert "1M" in catalog.warnings[0]


def test_openslo_unquoted_start_is_wall_clock():
    catalog = load_slo_file(SHARED / "slo" / "openslo_timeslices-slo.yaml")

    window = catalog.slos[0].window
    # 12:00 in New York on 1 January is 17:00 UTC (EST, UTC-5).
    assert window.anchor == datetime(2022, 1, 1, 17, 0, tzinfo=UTC)
    assert window.timezone == "America/New_York"
    assert window.rolling is False


@pytest.mark.parametrize(
    ("name", "method", "slice_length"),
    [
        ("openslo_occurrences-slo.yaml", BudgetingMethod.OCCURRENCES, None),
        (
            "openslo_ratio-timeslices.yaml",
            BudgetingMethod.RATIO_TIMESLICES,
            timedelta(minutes=1),
        ),
    ],
    ids=["occurrences", "ratio-timeslices"],
)
def test_openslo_budgeting_methods(name, method, slice_length):
    (slo,) = load_slo_file(SHARED / "slo" / name).slos

    assert slo.method is method
    assert slo.slice_length == slice_length
    assert slo.window == Window(rolling=True, length=timedelta(weeks=2))
    assert slo.service == "web-shop"


def test_openslo_month_unit_is_calendar_month(tmp_path):
    path = write(
        tmp_path,
        """
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability}
spec:
  service: checkout
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar: {startTime: "2026-01-01 00:00:00", timeZone: Europe/Berlin}
  budgetingMethod: Occurrences
  objectives:
    - targetPercent: 99.95
""",
    )

    (slo,) = load_slo_file(path).slos

    assert slo.window.months == 1
    assert slo.objective == Fraction(9995, 10000)
    start, end = slo.window.bounds(datetime(2026, 2, 10, tzinfo=UTC))
    assert start == datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)


def test_alert_windows_give_burn_rates():
    catalog = load_slo_file(SHARED / "slo" / "sloth_alertwindows_google-30d.yaml")

    (windows,) = catalog.alert_windows
    rates = [rule.burn_rate(windows.period) for rule in windows.rules]
    assert rates == [Fraction(72, 5), 6, 3, 1]
    assert windows.rules[0].long_window == timedelta(hours=1)
    assert windows.rules[0].short_window == timedelta(minutes=5)


def test_native_format_reads_every_key(tmp_path):
    path = write(
        tmp_path,
        """
slos:
  - service: checkout
    sli: availability
    objective: 99.9%
    window: 30d
  - service: payments
    sli: good-minutes
    objective: 0.995
    window: calendar month
    budgeting: timeslices
    slice: 5m
    slice_target: 95%
    description: Minutes with at most 5% failed payments.
""",
    )

    checkout, payments = load_slo_file(path).slos

    assert checkout.objective == Fraction(999, 1000)
    assert checkout.method is BudgetingMethod.OCCURRENCES
    assert checkout.window == Window.rolling_days(30)
    assert payments.objective == Fraction(995, 1000)
    assert payments.window == Window.calendar_month()
    assert payments.method is BudgetingMethod.TIMESLICES
    assert payments.slice_length == timedelta(minutes=5)
    assert payments.slice_target == Fraction(95, 100)


def test_slo_generator_goal_is_fraction(tmp_path):
    path = write(
        tmp_path,
        """
apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: checkout-availability
  labels: {service_name: checkout, feature_name: cart, slo_name: availability}
spec:
  description: 99.9% of cart requests succeed
  backend: prometheus
  method: good_bad_ratio
  service_level_indicator:
    filter_good: http_requests_total{code=~"2.."}
    filter_valid: http_requests_total
  goal: 0.999
""",
    )

    (slo,) = load_slo_file(path).slos

    assert slo.objective == Fraction(999, 1000)
    assert slo.service == "checkout"
    assert slo.name == "availability"
    assert slo.window == Window.rolling_days(28)


def test_pyrra_target_is_text(tmp_path):
    path = write(
        tmp_path,
        """
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-errors
  namespace: payments
spec:
  target: '99.5'
  window: 2w
  indicator:
    ratio:
      errors:
        metric: http_requests_total{job="api",code=~"5.."}
      total:
        metric: http_requests_total{job="api"}
""",
    )

    (slo,) = load_slo_file(path).slos

    assert slo.objective == Fraction(995, 1000)
    assert slo.service == "payments"
    assert slo.window.length == timedelta(weeks=2)
    errors = 'http_requests_total{job="api",code=~"5.."}'
    assert slo.error_query == f"sum(rate({errors}[{{{{.window}}}}]))"


def test_several_documents_in_one_file(tmp_path):
    sloth = (SHARED / "slo" / "sloth_getting-started.yml").read_text()
    openslo = (SHARED / "slo" / "openslo_occurrences-slo.yaml").read_text()
    path = write(tmp_path, f"{sloth}\n---\n{openslo}\n---\n")

    catalog = load_slo_file(path)

    assert [slo.label for slo in catalog.slos] == [
        "myservice/requests-availability",
        "web-shop/search-slo",
    ]
    assert catalog.slos[1].source == "slo.yaml, document 2"


def test_other_openslo_kinds_are_skipped(tmp_path):
    path = write(
        tmp_path,
        "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: web-shop}\n"
        "spec: {description: the shop}\n",
    )

    catalog = load_slo_file(path)

    assert catalog.slos == ()
    assert catalog.skipped == ('slo.yaml, document 1: OpenSLO Service "web-shop"',)


OPENSLO_HEAD = """apiVersion: openslo/v1
kind: SLO
metadata: {name: search}
spec:
  service: web-shop
  timeWindow:
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "slos:\n  - service: checkout\n    sli: a\n    objective: 99.9\n",
            "document 1 (warroom slos), line 4: slos[0].objective: 99.9 is ambiguous",
        ),
        (
            "slos:\n  - service: checkout\n    sli: a\n    objective: 99.9%\n"
            "    window: 31d\n",
            'line 5: slos[0].window: "31d" is not a supported window',
        ),
        (
            "slos:\n  - service: checkout\n    sli: a\n    objective: 99.9%\n"
            "    windw: 30d\n",
            "slos[0].windw: unknown key",
        ),
        (
            OPENSLO_HEAD + "    - {duration: 30x, isRolling: true}\n"
            "  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n",
            'OpenSLO SLO "search"), line 7: spec.timeWindow[0].duration: '
            '"30x" is not a duration',
        ),
        (
            OPENSLO_HEAD + "    - {duration: 1M, isRolling: true}\n"
            "  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n",
            "rolling window of calendar months has no fixed length",
        ),
        (
            OPENSLO_HEAD + "    - {duration: 28d, isRolling: true}\n"
            "  budgetingMethod: occurrences\n  objectives: [{target: 0.99}]\n",
            'line 8: spec.budgetingMethod: unknown method "occurrences"',
        ),
        (
            OPENSLO_HEAD + "    - {duration: 28d, isRolling: true}\n"
            "  budgetingMethod: Occurrences\n  objectives: [{target: 99}]\n",
            "spec.objectives[0].target: 99 is not between 0 and 1",
        ),
        (
            OPENSLO_HEAD + "    - {duration: 28d, isRolling: true}\n"
            "  budgetingMethod: Timeslices\n  objectives: [{target: 0.99}]\n",
            "spec.objectives[0].timeSliceWindow: expected a duration",
        ),
        (
            'version: "prometheus/v1"\nservice: shop\nslos:\n'
            "  - name: availability\n    objective: 0.999%\n",
            '"0.999%" is not a number. Sloth objectives are percentages',
        ),
        (
            "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n"
            "metadata: {name: api}\nspec: {target: 99.5, window: 2w}\n",
            "spec.target: expected the target as text such as '99.9', got 99.5",
        ),
        (
            "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n"
            "metadata: {name: api}\nspec: {target: '99.5', window: 1M}\n",
            'spec.window: "1M" uses M, which is not a Prometheus unit',
        ),
        ("apiVersion: nobl9/v1\nkind: SLO\n", 'unknown format (version "nobl9/v1")'),
        ("- just\n- a list\n", "expected a mapping, got a list"),
    ],
    ids=[
        "ambiguous-objective",
        "unsupported-window",
        "unknown-key",
        "bad-duration",
        "rolling-months",
        "method-case",
        "target-percent",
        "missing-slice",
        "sloth-percent-sign",
        "pyrra-number",
        "prometheus-month",
        "unknown-format",
        "not-a-mapping",
    ],
)
def test_malformed_file_names_field(tmp_path, text, expected):
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_slo_file(path)

    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_error_names_second_document(tmp_path):
    good = (SHARED / "slo" / "sloth_getting-started.yml").read_text()
    path = write(tmp_path, good + "\n---\nslos: [{service: a, sli: b}]\n")

    with pytest.raises(ConfigError) as caught:
        load_slo_file(path)

    assert "document 2 (warroom slos)" in str(caught.value)
    assert "slos[0].objective: expected a number, got nothing" in str(caught.value)


def test_unsafe_tags_rejected(tmp_path):
    path = write(tmp_path, "slos: !!python/object/apply:os.system ['true']\n")

    with pytest.raises(ConfigError) as caught:
        load_slo_file(path)

    assert "invalid YAML" in str(caught.value)


def test_invalid_yaml_names_line(tmp_path):
    path = write(tmp_path, "slos:\n  - service: [checkout\n")

    with pytest.raises(ConfigError) as caught:
        load_slo_file(path)

    assert f"{path}, line 3: invalid YAML" in str(caught.value)


def test_duplicate_slo_rejected(tmp_path):
    one = write(tmp_path, "slos: [{service: a, sli: b, objective: 99%}]\n", "one.yaml")
    two = write(tmp_path, "slos: [{service: a, sli: b, objective: 98%}]\n", "two.yaml")

    with pytest.raises(ConfigError) as caught:
        load_slo_files([one, two])

    assert "already defined in one.yaml, document 1" in str(caught.value)


def test_missing_file_explained(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_slo_file(tmp_path / "slo.yaml")

    assert "does not exist" in str(caught.value)
    assert "slo_file" in str(caught.value)


def test_default_path_is_docs_repo(tmp_path):
    assert default_slo_path(None, tmp_path) == tmp_path / "slo.yaml"
    assert default_slo_path(tmp_path / "x.yaml", tmp_path) == tmp_path / "x.yaml"
    assert default_slo_path(None, None) is None
