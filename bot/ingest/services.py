"""Which service an alert belongs to, from its labels and the configured mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_SERVICE_LABELS = ("service", "app", "job")


@dataclass(frozen=True)
class ServiceMapping:
    """Label names tried in order, and renames from label values to service names."""

    labels: tuple[str, ...] = DEFAULT_SERVICE_LABELS
    aliases: Mapping[str, str] = field(default_factory=dict)

    def service_for(self, labels: Mapping[str, str]) -> str | None:
        """Return the service named by the first present label, after renaming."""
        for name in self.labels:
            value = labels.get(name, "").strip()
            if value:
                return self.rename(value)
        return None

    def rename(self, value: str) -> str:
        return self.aliases.get(value, value)
