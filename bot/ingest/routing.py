"""Routing rules: which signals open an incident, go to triage, or are only stored."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from bot.ingest.signal import AlertSignal

DECLARE = "declare"
TRIAGE = "triage"
IGNORE = "ignore"


@dataclass(frozen=True)
class Match:
    """Conditions on a signal; an empty tuple matches anything.

    Values are shell-style patterns ("Kube*"). Severity compares case-insensitively.
    Every condition given must hold, and within one condition any pattern may match.
    """

    sources: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def matches(self, signal: AlertSignal) -> bool:
        severity = (signal.severity or "").lower()
        lowered = tuple(pattern.lower() for pattern in self.severities)
        checks = (
            (self.sources, signal.source),
            (self.names, signal.name),
            (lowered, severity),
            (self.services, signal.service or ""),
        )
        if not all(_any_match(patterns, value) for patterns, value in checks):
            return False
        return all(
            label in signal.labels and _any_match(patterns, signal.labels[label])
            for label, patterns in self.labels
        )


@dataclass(frozen=True)
class Rule:
    """What to do with a matching signal.

    `severity` is the incident's level for DECLARE; `channel` replaces the default
    triage channel for TRIAGE.
    """

    match: Match
    action: str
    severity: int | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Route:
    """The decision for one signal: an action, and the level or channel it needs."""

    action: str
    severity: int | None = None
    channel: str | None = None


def route_signal(
    signal: AlertSignal, rules: tuple[Rule, ...], triage_channel: str | None
) -> Route:
    """Apply the first rule that matches; without one, triage when a channel is set."""
    for rule in rules:
        if not rule.match.matches(signal):
            continue
        if rule.action == TRIAGE:
            channel = rule.channel or triage_channel
            return Route(TRIAGE, channel=channel) if channel else Route(IGNORE)
        return Route(rule.action, severity=rule.severity)
    if triage_channel:
        return Route(TRIAGE, channel=triage_channel)
    return Route(IGNORE)


def _any_match(patterns: tuple[str, ...], value: str) -> bool:
    if not patterns:
        return True
    return any(fnmatchcase(value, pattern) for pattern in patterns)
