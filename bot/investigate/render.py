"""Show a service graph and a blast radius as text, Graphviz DOT or a PNG picture."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.investigate.errors import InvestigationError
from bot.investigate.graph import BlastRadius, Evidence, ServiceGraph

# Fill colours of the DOT picture: the failing service, services that depend on it
# (hit by the failure) and services it depends on (possible causes).
FAILING_COLOUR = "#f4a3a3"
DEPENDENT_COLOUR = "#f9d9a6"
DEPENDENCY_COLOUR = "#b9d7f0"


def format_graph(graph: ServiceGraph) -> str:
    """Return one line per service with what it calls and the evidence."""
    lines = [
        f"{_count(len(graph.services), 'service')}, "
        f"{_count(len(graph.edges), 'dependency', 'dependencies')}"
    ]
    for service in sorted(graph.services):
        lines.append("")
        lines.append(service)
        for edge in graph.edges:
            if edge.source == service:
                sources = ", ".join(_evidence_text(e) for e in edge.evidence)
                lines.append(f"  -> {edge.target}  ({sources})")
        for external in graph.externals:
            if external.service == service:
                sources = ", ".join(_evidence_text(e) for e in external.evidence)
                lines.append(f"  -> {external.host} [external]  ({sources})")
    return "\n".join(lines) + "\n"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    word = singular if number == 1 else plural or f"{singular}s"
    return f"{number} {word}"


def _evidence_text(evidence: Evidence) -> str:
    return f"{evidence.location}: {evidence.detail}"


def format_blast_radius(radius: BlastRadius) -> str:
    """Return the blast radius as text: who is hit, and the likely causes."""
    lines = [f"Failing: {radius.failing}", "", "Affected (services that depend on it):"]
    lines.extend(_distance_lines(radius.dependents))
    lines += ["", "Likely causes (services it depends on):"]
    lines.extend(_distance_lines(radius.dependencies))
    lines += ["", "External dependencies:"]
    hosts = sorted({external.host for external in radius.externals})
    lines.extend(f"  {host}" for host in hosts)
    if not hosts:
        lines.append("  none found")
    return "\n".join(lines) + "\n"


def _distance_lines(found: tuple[tuple[str, int], ...]) -> list[str]:
    if not found:
        return ["  none found"]
    lines = []
    for name, distance in found:
        reach = "directly" if distance == 1 else f"{distance} hops away"
        lines.append(f"  {name} ({reach})")
    return lines


def to_dot(graph: ServiceGraph, radius: BlastRadius | None = None) -> str:
    """Return the graph in Graphviz DOT; with `radius`, colour the blast radius."""
    colours = _colours(radius)
    lines = [
        "digraph services {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor=white];',
    ]
    for service in sorted(graph.services):
        colour = colours.get(service)
        fill = f", fillcolor={_quote(colour)}" if colour else ""
        lines.append(f"  {_quote(service)} [label={_quote(service)}{fill}];")
    externals = sorted({external.host for external in graph.externals})
    for host in externals:
        lines.append(f"  {_quote(host)} [shape=ellipse, style=dashed];")
    for edge in graph.edges:
        label = ", ".join(sorted({e.source for e in edge.evidence}))
        target = _quote(edge.target)
        lines.append(f"  {_quote(edge.source)} -> {target} [label={_quote(label)}];")
    for external in graph.externals:
        source, host = _quote(external.service), _quote(external.host)
        lines.append(f"  {source} -> {host} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _colours(radius: BlastRadius | None) -> dict[str, str]:
    if radius is None:
        return {}
    colours = {name: DEPENDENCY_COLOUR for name, _ in radius.dependencies}
    colours.update({name: DEPENDENT_COLOUR for name, _ in radius.dependents})
    colours[radius.failing] = FAILING_COLOUR
    return colours


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_png(dot: str, output: Path) -> None:
    """Render `dot` to a PNG file with the Graphviz `dot` program.

    Raises InvestigationError when Graphviz is not installed or fails.
    """
    program = shutil.which("dot")
    if program is None:
        raise InvestigationError(
            "Graphviz is not installed, so no PNG can be drawn. Install Graphviz "
            "(the `dot` program) or use --format dot and render the file elsewhere."
        )
    try:
        subprocess.run(
            [program, "-Tpng", "-o", str(output)],
            input=dot.encode("utf-8"),
            check=True,
            capture_output=True,
            timeout=60,
        )
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode("utf-8", "replace").strip()
        raise InvestigationError(f"Graphviz dot failed: {message}") from error
    except subprocess.TimeoutExpired as error:
        raise InvestigationError("Graphviz dot timed out after 60 seconds.") from error
