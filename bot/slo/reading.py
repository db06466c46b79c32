"""Typed access to one YAML document, with errors naming file, document and field.

Every problem becomes a `ConfigError` such as
`slo.yaml, document 2 (OpenSLO SLO "search"), line 14: spec.timeWindow[0].duration:
"1x" is not a duration. Use a number and a unit: …`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.slo.durations import DurationError, parse_duration


@dataclass
class DocumentReader:
    """One YAML document of an SLO file: its data, its node tree and its name."""

    path: Path
    number: int  # 1-based position in the file
    node: yaml.Node
    data: Any
    title: str = ""

    @property
    def source(self) -> str:
        return f"{self.path.name}, document {self.number}"

    def fail(self, where: str, problem: str, hint: str = "") -> ConfigError:
        line = line_of(self.node, where)
        located = f"{self.path}, document {self.number}"
        if self.title:
            located += f" ({self.title})"
        located += f", line {line}" if line else ""
        key = where or "(top level)"
        message = f"{located}: {key}: {problem}."
        return ConfigError(f"{message} {hint}" if hint else message)

    def get(self, where: str) -> Any:
        """Return the value at a dotted path such as `spec.objectives[0].target`."""
        value = self.data
        for step in _steps(where):
            if isinstance(step, int):
                value = (
                    value[step]
                    if isinstance(value, list) and step < len(value)
                    else None
                )
            else:
                value = value.get(step) if isinstance(value, dict) else None
        return value

    def mapping(self, where: str, *, required: bool = True) -> dict[str, Any]:
        value = self.get(where)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {kind_of(value)}")
        return value

    def items(self, where: str) -> list[Any]:
        value = self.get(where)
        if not isinstance(value, list) or not value:
            problem = (
                "the list is empty"
                if value == []
                else f"expected a list, got {kind_of(value)}"
            )
            raise self.fail(where, problem)
        return value

    def text(self, where: str, *, default: str | None = None, hint: str = "") -> str:
        value = self.get(where)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(where, f"expected text, got {kind_of(value)}", hint)
        text = str(value).strip()
        if not text:
            raise self.fail(where, "expected text, got an empty string", hint)
        return text

    def duration(
        self, where: str, *, months: bool = False
    ) -> tuple[timedelta | None, int]:
        """Read an OpenSLO (`months=True`) or Prometheus duration, see durations."""
        try:
            return parse_duration(self.get(where), months=months)
        except DurationError as error:
            raise self.fail(where, str(error), error.hint) from error

    def length(self, where: str) -> timedelta:
        """Read a Prometheus duration (no calendar units) such as 5m or 30d."""
        length, _ = self.duration(where)
        assert length is not None
        return length

    def ratio(self, where: str, *, scale: int, hint: str) -> Fraction:
        """Read a number in (0, scale), e.g. 99.9 of 100, as an exact Fraction."""
        return self.ratio_of(self.get(where), where, scale=scale, hint=hint)

    def ratio_of(self, value: Any, where: str, *, scale: int, hint: str) -> Fraction:
        """Convert `value`, found at `where`, to a Fraction of `scale`.

        YAML gives floats, and `Fraction(0.999)` is not 999/1000, so the number goes
        through its shortest decimal spelling first.
        """
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(where, f"expected a number, got {kind_of(value)}", hint)
        try:
            number = Fraction(Decimal(str(value).strip()))
        except (InvalidOperation, ValueError) as error:
            raise self.fail(where, f'"{value}" is not a number', hint) from error
        if not 0 < number < scale:
            raise self.fail(where, f"{value} is not between 0 and {scale}", hint)
        return number / scale

    def check_keys(self, where: str, known: Mapping[str, str]) -> None:
        """Reject keys this format does not define, naming the closest known key."""
        for key in self.mapping(where, required=False):
            if key not in known:
                listed = ", ".join(sorted(known))
                raise self.fail(
                    join(where, str(key)), "unknown key", f"Known keys: {listed}."
                )


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text"}
    names |= {list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _steps(where: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in where.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit():
            steps.append(int(part[1:-1]))
        else:
            steps.append(part)
    return steps


def line_of(root: yaml.Node, where: str) -> int | None:
    """Return the 1-based line of the node at `where`, or of its nearest parent."""
    node = root
    line: int | None = node.start_mark.line + 1
    for step in _steps(where):
        child = _child(node, step)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
        items: list[yaml.Node] = node.value
        return items[step] if step < len(items) else None
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        for key_node, value_node in pairs:
            if key_node.value == step:
                scalar = not isinstance(
                    value_node, yaml.MappingNode | yaml.SequenceNode
                )
                return key_node if scalar else value_node
    return None
