"""`warroom check-deps` with a catalogue that disagrees with the manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.investigate.deps import TracedIncident, check_dependencies
from bot.investigate.system import load_service_graph, resolve_sources

CONFIG = """\
timezone: UTC
services:
  - name: checkout
    depends_on: [payments, inventory]
  - name: payments
  - name: inventory
  - name: search
    depends_on: [inventory]
investigation:
  repository: shop
  kubernetes: [k8s]
"""
AGREEING = """\
timezone: UTC
services:
  - name: checkout
    depends_on: [payments]
  - name: payments
investigation:
  repository: shop
"""
COMPOSE = """\
services:
  checkout:
    image: shop/checkout
    environment:
      PAYMENTS_URL: http://payments:8080/v1
      CART_HOST: cart
  payments:
    image: shop/payments
    environment:
      DATABASE_URL: postgres://pay:secret@payments-db:5432/pay
  payments-db:
    image: postgres:16
  cart:
    image: shop/cart
"""
SIMPLE_COMPOSE = """\
services:
  checkout:
    image: shop/checkout
    environment:
      PAYMENTS_URL: http://payments:8080/v1
  payments:
    image: shop/payments
"""
KUBERNETES = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: recommendations
spec:
  selector:
    matchLabels: {app: recommendations}
  template:
    metadata:
      labels: {app: recommendations}
    spec:
      containers:
        - name: recommendations
          image: shop/recommendations
          env:
            - name: INVENTORY_ADDR
              value: inventory:9000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inventory
spec:
  selector:
    matchLabels: {app: inventory}
  template:
    metadata:
      labels: {app: inventory}
    spec:
      containers:
        - name: inventory
          image: shop/inventory
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inventory-v2
spec:
  selector:
    matchLabels: {app: inventory-v2}
  template:
    metadata:
      labels: {app: inventory-v2}
    spec:
      containers:
        - name: inventory
          image: shop/inventory:2
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: inventory
spec:
  hosts: [inventory]
  http:
    - route:
        - destination: {host: inventory-v2}
"""


def write_workspace(folder: Path, config: str, compose: str) -> Path:
    shop = folder / "shop"
    (shop / "k8s").mkdir(parents=True)
    (shop / "compose.yaml").write_text(compose)
    (shop / "k8s" / "shop.yaml").write_text(KUBERNETES)
    path = folder / "warroom.yaml"
    path.write_text(config)
    return path


@pytest.fixture
def disagreeing(tmp_path, monkeypatch) -> Path:
    path = write_workspace(tmp_path, CONFIG, COMPOSE)
    monkeypatch.setenv("WARROOM_CONFIG", str(path))
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    return path


def check(path: Path, incidents: list[TracedIncident]):
    config = load_config(path)
    graph = load_service_graph(config, resolve_sources(config, path))
    return check_dependencies(graph, config.services, incidents)


def pairs(edges) -> set[tuple[str, str]]:
    return {(edge.source, edge.target) for edge in edges}


INCIDENTS = [
    TracedIncident("INC-1", ("checkout", "inventory")),
    TracedIncident("INC-2", ("search", "billing")),
]


def test_check_deps_declared_unseen(disagreeing):
    result = check(disagreeing, INCIDENTS)

    assert pairs(result.declared_unseen) == {("search", "inventory")}


def test_check_deps_undeclared(disagreeing):
    result = check(disagreeing, INCIDENTS)

    assert pairs(result.undeclared) == {
        ("checkout", "cart"),
        ("payments", "payments-db"),
        ("recommendations", "inventory"),
        ("inventory", "inventory-v2"),
    }


def test_check_deps_missing_services(disagreeing):
    result = check(disagreeing, INCIDENTS)

    missing = {service.name: service.seen_in for service in result.missing_services}
    assert missing == {
        "billing": ("INC-2",),
        "cart": ("compose",),
        "inventory-v2": ("istio",),
        "payments-db": ("compose",),
        "recommendations": ("kubernetes",),
    }


def test_check_deps_incident_confirms_path(disagreeing):
    result = check(disagreeing, INCIDENTS)

    assert result.confirmed == {("checkout", "inventory"): ("INC-1",)}
    assert not result.agrees


def test_check_deps_without_incidents_unseen(disagreeing):
    result = check(disagreeing, [])

    assert pairs(result.declared_unseen) == {
        ("checkout", "inventory"),
        ("search", "inventory"),
    }


def test_check_deps_multi_hop_confirmation():
    from bot.investigate.graph import Edge, Evidence, ServiceGraph

    declared = (Evidence("catalogue", "warroom.yaml", "depends_on"),)
    graph = ServiceGraph(
        services=("web", "api", "db"),
        edges=(Edge("web", "api", declared), Edge("api", "db", declared)),
        externals=(),
    )

    result = check_dependencies(graph, (), [TracedIncident("INC-9", ("web", "db"))])

    assert result.confirmed == {
        ("api", "db"): ("INC-9",),
        ("web", "api"): ("INC-9",),
    }
    assert result.declared_unseen == ()


def test_check_deps_cli_exits_one_on_differences(disagreeing, capsys):
    assert main(["check-deps", "--skip-incidents"]) == 1

    output = capsys.readouterr().out
    assert "Declared in the catalogue but seen in no manifest or incident:" in output
    assert "  search -> inventory" in output
    assert "  checkout -> cart  [compose.yaml (environment CART_HOST)]" in output
    assert "  recommendations  (seen in kubernetes)" in output


def test_check_deps_cli_exits_zero_when_agreeing(tmp_path, monkeypatch, capsys):
    path = write_workspace(tmp_path, AGREEING, SIMPLE_COMPOSE)
    (tmp_path / "shop" / "k8s" / "shop.yaml").unlink()
    monkeypatch.setenv("WARROOM_CONFIG", str(path))

    assert main(["check-deps", "--skip-incidents"]) == 0

    output = capsys.readouterr().out
    assert output.startswith("The catalogue agrees with the manifests and incidents.")


def test_check_deps_cli_database_error(disagreeing, tmp_path, monkeypatch, capsys):
    (tmp_path / "empty.db").touch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")

    assert main(["check-deps"]) == 2

    message = capsys.readouterr().err
    assert "Could not read incidents from DATABASE_URL" in message
    assert "--skip-incidents" in message


def test_check_deps_creates_no_database(disagreeing, tmp_path, monkeypatch, capsys):
    missing = tmp_path / "missing.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")

    assert main(["check-deps"]) == 2

    assert f"There is no database at {missing}" in capsys.readouterr().err
    assert not missing.exists()
