"""Read SLO files: each YAML document is detected and read in its own format.

Formats: warroom's own (`slos:`), OpenSLO v1, Sloth `prometheus/v1` (and its
Kubernetes resources), Google slo-generator `sre.google.com/v2` and Pyrra
`pyrra.dev/v1alpha1`. YAML is read with the safe loader only, so a file cannot
construct Python objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import yaml

from bot.errors import ConfigError
from bot.slo.formats import native, openslo, pyrra, slo_generator, sloth
from bot.slo.model import AlertWindows, Slo, SloCatalog
from bot.slo.reading import DocumentReader, kind_of

DEFAULT_FILE_NAME = "slo.yaml"
FORMATS_HINT = (
    "warroom reads its own format (a top-level slos list), OpenSLO v1 (kind: SLO), "
    "Sloth prometheus/v1, slo-generator sre.google.com/v2 and Pyrra "
    "pyrra.dev/v1alpha1."
)


def default_slo_path(slo_file: Path | None, docs_repo: Path | None) -> Path | None:
    """Return the configured SLO file, else slo.yaml in the docs repository."""
    if slo_file is not None:
        return slo_file
    if docs_repo is not None:
        return docs_repo / DEFAULT_FILE_NAME
    return None


def optional_slo_catalog(
    slo_file: Path | None, docs_repo: Path | None
) -> SloCatalog | None:
    """Read the configured SLO file, or return None when none is configured.

    Only a missing slo.yaml in the docs repository means "none": a `slo_file` set in
    warroom.yaml that does not exist raises the same `ConfigError` as an invalid one.
    """
    path = default_slo_path(slo_file, docs_repo)
    if path is None:
        return None
    if slo_file is None and not path.exists():
        return None
    return load_slo_file(path)


def load_slo_files(paths: Iterable[Path]) -> SloCatalog:
    """Read several SLO files into one catalogue; an SLO defined twice is an error."""
    slos: list[Slo] = []
    windows: list[AlertWindows] = []
    skipped: list[str] = []
    warnings: list[str] = []
    for path in paths:
        catalog = load_slo_file(path)
        slos += catalog.slos
        windows += catalog.alert_windows
        skipped += catalog.skipped
        warnings += catalog.warnings
    _reject_duplicates(slos)
    return SloCatalog(tuple(slos), tuple(windows), tuple(skipped), tuple(warnings))


def load_slo_file(path: Path) -> SloCatalog:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(
            f"The SLO file {path} does not exist. Create it (see README.md, "
            "Error budgets) or set slo_file in warroom.yaml."
        ) from error
    except OSError as error:
        raise ConfigError(
            f"Could not read the SLO file {path}: {error.strerror}."
        ) from error
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: not UTF-8 text (invalid byte at offset {error.start}). "
            "Save the file as UTF-8."
        ) from error
    return load_slo_text(text, path)


def load_slo_text(text: str, path: Path) -> SloCatalog:
    """Read the SLO documents in `text`; `path` names the file in errors."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{where}: invalid YAML: {problem}.") from error
    except RecursionError as error:
        raise ConfigError(f"{path}: the YAML is nested too deeply.") from error
    slos: list[Slo] = []
    windows: list[AlertWindows] = []
    skipped: list[str] = []
    for number, (node, data) in enumerate(zip(nodes, documents, strict=True), 1):
        if data is None:
            continue
        reader = DocumentReader(path, number, node, data)
        found = _read_document(reader)
        if isinstance(found, AlertWindows):
            windows.append(found)
        elif found:
            slos += found
        else:
            skipped.append(f"{reader.source}: {reader.title}")
    _reject_duplicates(slos)
    return SloCatalog(tuple(slos), tuple(windows), tuple(skipped), _warnings(slos))


def _read_document(reader: DocumentReader) -> list[Slo] | AlertWindows:
    data = reader.data
    if not isinstance(data, dict):
        raise reader.fail("", f"expected a mapping, got {kind_of(data)}", FORMATS_HINT)
    if openslo.is_openslo(data):
        reader.title = openslo.title(data)
        return openslo.read(reader) if data.get("kind") == "SLO" else []
    if sloth.is_sloth(data):
        reader.title = sloth.title(data)
        if sloth.is_alert_windows(data):
            return sloth.read_alert_windows(reader)
        return sloth.read(reader)
    if slo_generator.is_slo_generator(data):
        reader.title = slo_generator.title(data)
        return slo_generator.read(reader)
    if pyrra.is_pyrra(data):
        reader.title = pyrra.title(data)
        return pyrra.read(reader)
    if native.is_native(data):
        reader.title = "warroom slos"
        return native.read(reader)
    version = data.get("apiVersion", data.get("version"))
    problem = f'unknown format (version "{version}")' if version else "unknown format"
    raise reader.fail("", problem, FORMATS_HINT)


def _reject_duplicates(slos: list[Slo]) -> None:
    seen: dict[tuple[str, str], Slo] = {}
    for slo in slos:
        key = (slo.service, slo.name)
        if key in seen:
            raise ConfigError(
                f'{slo.source}: the SLO "{slo.name}" of service "{slo.service}" is '
                f"already defined in {seen[key].source}. Rename or remove one."
            )
        seen[key] = slo


def _warnings(slos: list[Slo]) -> tuple[str, ...]:
    """Flag windows shorter than a day, the usual sign of `m` written for `M`."""
    found = []
    for slo in slos:
        length = slo.window.length
        if slo.window.months == 0 and length is not None and length < timedelta(days=1):
            found.append(
                f"{slo.source}: {slo.label} has a {slo.window.describe()} window. "
                "In OpenSLO `m` is minutes and `M` months; write 1M for a month."
            )
    return tuple(found)
