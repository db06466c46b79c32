"""No Docker engine runs here, so the image's essentials are checked by reading."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def values(keyword: str) -> list[str]:
    return [rest for key, rest in instructions() if key == keyword]


def test_base_is_slim_python():
    (base,) = values("FROM")

    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)


def test_runs_as_non_root():
    (user,) = values("USER")

    assert user.split(":")[0] not in {"0", "root"}


def test_health_check_probes_healthz():
    (check,) = values("HEALTHCHECK")

    assert "/healthz" in check
    assert "CMD" in check


def test_copies_what_the_app_reads():
    copied = " ".join(values("COPY"))

    for path in ("pyproject.toml", "bot", "templates"):
        assert path in copied


def test_serves_on_port_3000():
    assert values("EXPOSE") == ["3000"]
    assert values("CMD") == ['["warroom", "serve"]']


def test_git_installed_for_gitpython():
    (install,) = [run for run in values("RUN") if "apt-get" in run]

    assert "install" in install
    assert re.search(r"\bgit\b", install.split("install", 1)[1])
