"""Prometheus metrics of one process, served as text by `GET /metrics`.

The registry writes the Prometheus text exposition format (version 0.0.4) itself, so
warroom needs no client library. Counts live in memory and start at zero with the
process, as with the official client libraries, so with several replicas Prometheus
scrapes each pod and queries sum over them. Updating a metric takes one lock and a
dictionary lookup.
"""

from __future__ import annotations

import bisect
import logging
import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from bot.errors import UserError

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Upper bounds in seconds. Most acknowledgements take tens of milliseconds, and Slack
# gives up on one after 3 seconds, so the buckets are fine below 0.5 s and end at 3 s.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)

# Outcomes of a handled command or action.
OK = "ok"
REJECTED = "rejected"  # a UserError: the request was refused with an explanation
FAILED = "failed"  # any other exception

LabelValues = tuple[str, ...]
Sample = tuple[str, LabelValues, float]


class Metric:
    """A named family of samples with a fixed list of label names."""

    kind = "untyped"

    def __init__(self, name: str, help_text: str, labels: Sequence[str]) -> None:
        self.name = name
        self.help_text = help_text
        self.labels = tuple(labels)
        self._lock = threading.Lock()

    def label_values(self, labels: Mapping[str, str]) -> LabelValues:
        if set(labels) != set(self.labels):
            raise ValueError(
                f"{self.name} takes the labels {sorted(self.labels)}, "
                f"not {sorted(labels)}."
            )
        return tuple(str(labels[name]) for name in self.labels)

    def samples(self) -> list[Sample]:
        raise NotImplementedError


class Counter(Metric):
    """A count that only goes up, such as requests handled."""

    kind = "counter"

    def __init__(self, name: str, help_text: str, labels: Sequence[str]) -> None:
        super().__init__(name, help_text, labels)
        self._values: dict[LabelValues, float] = {}

    def inc(self, amount: float = 1.0, /, **labels: str) -> None:
        key = self.label_values(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        with self._lock:
            return self._values.get(self.label_values(labels), 0.0)

    def samples(self) -> list[Sample]:
        with self._lock:
            return [(self.name, key, value) for key, value in self._values.items()]


class Histogram(Metric):
    """Observations counted into cumulative buckets, with their sum and count."""

    kind = "histogram"

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: Sequence[str],
        buckets: Sequence[float],
    ) -> None:
        super().__init__(name, help_text, labels)
        self.buckets = tuple(sorted(buckets))
        # Per label values: one count per bucket plus one for +Inf, then the sum.
        self._counts: dict[LabelValues, list[int]] = {}
        self._sums: dict[LabelValues, float] = {}

    def observe(self, value: float, **labels: str) -> None:
        key = self.label_values(labels)
        index = bisect.bisect_left(self.buckets, value)
        with self._lock:
            counts = self._counts.setdefault(key, [0] * (len(self.buckets) + 1))
            counts[index] += 1
            self._sums[key] = self._sums.get(key, 0.0) + value

    def count(self, **labels: str) -> int:
        with self._lock:
            return sum(self._counts.get(self.label_values(labels), []))

    def samples(self) -> list[Sample]:
        with self._lock:
            snapshot = {key: list(counts) for key, counts in self._counts.items()}
            sums = dict(self._sums)
        samples: list[Sample] = []
        for key, counts in snapshot.items():
            running = 0
            for bound, count in zip((*self.buckets, math.inf), counts, strict=True):
                running += count
                # Bounds keep their decimal point (le="1.0"), as the official
                # client libraries write them.
                bucket_key = (*key, "+Inf" if math.isinf(bound) else repr(bound))
                samples.append((f"{self.name}_bucket", bucket_key, running))
            samples.append((f"{self.name}_sum", key, sums[key]))
            samples.append((f"{self.name}_count", key, running))
        return samples

    def sample_labels(self, name: str) -> tuple[str, ...]:
        if name.endswith("_bucket"):
            return (*self.labels, "le")
        return self.labels


class CallbackGauge(Metric):
    """A value read when Prometheus scrapes, such as the open incidents in the store.

    `read` returns a value per tuple of label values. When it raises, the scrape still
    succeeds without these samples, and the failure is logged.
    """

    kind = "gauge"

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: Sequence[str],
        read: Callable[[], Mapping[LabelValues, float]],
        errors: tuple[type[Exception], ...],
    ) -> None:
        super().__init__(name, help_text, labels)
        self.read = read
        self.errors = errors

    def samples(self) -> list[Sample]:
        try:
            values = self.read()
        except self.errors as error:
            log.warning("could not read %s for /metrics: %s", self.name, error)
            return []
        return [(self.name, key, value) for key, value in sorted(values.items())]


@dataclass
class Registry:
    """The metrics of one process, in the order they were registered."""

    metrics: list[Metric] = field(default_factory=list)

    def register(self, metric: Metric) -> None:
        if any(known.name == metric.name for known in self.metrics):
            raise ValueError(f"A metric named {metric.name} is already registered.")
        self.metrics.append(metric)

    def render(self) -> str:
        """Return every metric in the Prometheus text exposition format."""
        lines: list[str] = []
        for metric in self.metrics:
            lines.append(f"# HELP {metric.name} {escape_help(metric.help_text)}")
            lines.append(f"# TYPE {metric.name} {metric.kind}")
            for name, values, value in metric.samples():
                names = _label_names(metric, name)
                lines.append(
                    f"{name}{format_labels(names, values)} {format_value(value)}"
                )
        return "\n".join(lines) + "\n"


def _label_names(metric: Metric, sample_name: str) -> tuple[str, ...]:
    if isinstance(metric, Histogram):
        return metric.sample_labels(sample_name)
    return metric.labels


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def format_labels(names: Sequence[str], values: Sequence[str]) -> str:
    if not names:
        return ""
    pairs = (
        f'{name}="{escape_label_value(value)}"'
        for name, value in zip(names, values, strict=True)
    )
    return "{" + ",".join(pairs) + "}"


def format_value(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


@dataclass(frozen=True)
class Metrics:
    """warroom's own metrics; `create_app` builds one per process."""

    registry: Registry
    commands: Counter
    actions: Counter
    ack_seconds: Histogram
    slack_calls: Counter
    slack_retries: Counter
    reminders: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = Registry()
        metrics = cls(
            registry=registry,
            commands=Counter(
                "warroom_commands_total",
                "/incident subcommands handled, by subcommand and outcome "
                "(ok, rejected with an explanation, or failed).",
                ["command", "outcome"],
            ),
            actions=Counter(
                "warroom_actions_total",
                "Button clicks, form submissions and reaction events handled, by "
                "action id, callback id or event type and outcome.",
                ["action", "outcome"],
            ),
            ack_seconds=Histogram(
                "warroom_slack_ack_duration_seconds",
                "Time from receiving a request on /slack/events to sending the "
                "response that acknowledges it.",
                [],
                ACK_BUCKETS,
            ),
            slack_calls=Counter(
                "warroom_slack_api_calls_total",
                "Slack Web API calls after retries, by method and Slack error code; "
                'error="none" is a success.',
                ["method", "error"],
            ),
            slack_retries=Counter(
                "warroom_slack_api_retries_total",
                "Slack Web API requests repeated after HTTP 429 or a failed "
                "connection, by method and reason.",
                ["method", "reason"],
            ),
            reminders=Counter(
                "warroom_reminders_total",
                "Reminder direct messages, by kind and outcome (sent, or failed and "
                "scheduled for a retry).",
                ["kind", "outcome"],
            ),
        )
        for metric in (
            metrics.commands,
            metrics.actions,
            metrics.ack_seconds,
            metrics.slack_calls,
            metrics.slack_retries,
            metrics.reminders,
        ):
            registry.register(metric)
        return metrics


def outcome_of(error: BaseException | None) -> str:
    if error is None:
        return OK
    if isinstance(error, UserError):
        return REJECTED
    return FAILED


@contextmanager
def counting(counter: Counter, **labels: str) -> Iterator[None]:
    """Count the block's outcome in `counter`, re-raising what it raises."""
    try:
        yield
    except Exception as error:
        counter.inc(outcome=outcome_of(error), **labels)
        raise
    counter.inc(outcome=OK, **labels)
