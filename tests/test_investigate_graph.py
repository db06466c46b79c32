"""Service graph from compose files, Kubernetes manifests, Istio and the catalogue."""

from pathlib import Path

import pytest

from bot.config import Service
from bot.investigate.catalogue import read_catalogue
from bot.investigate.compose import (
    default_compose_files,
    read_compose,
    read_env_file,
    substitute,
)
from bot.investigate.errors import InvestigationError
from bot.investigate.graph import blast_radius, merge_discoveries
from bot.investigate.hosts import find_hosts, resolve_host
from bot.investigate.kubernetes import read_kubernetes
from bot.investigate.render import to_dot, write_png

FIXTURES = Path(__file__).parent / "fixtures" / "investigate"
COMPOSE = FIXTURES / "compose"
KUBERNETES = FIXTURES / "kubernetes"


def edge_set(graph):
    return {(edge.source, edge.target) for edge in graph.edges}


def external_set(graph):
    return {(external.service, external.host) for external in graph.externals}


@pytest.fixture
def compose_graph():
    return merge_discoveries([read_compose(default_compose_files(COMPOSE), COMPOSE)])


@pytest.fixture
def kubernetes_graph():
    return merge_discoveries([read_kubernetes([KUBERNETES], KUBERNETES)])


def test_compose_picks_file_and_override():
    files = default_compose_files(COMPOSE)

    assert [f.name for f in files] == [
        "docker-compose.yml",
        "docker-compose.override.yml",
    ]


def test_compose_services_include_override(compose_graph):
    assert set(compose_graph.services) == {
        "frontend",
        "checkout",
        "payments",
        "catalog",
        "db",
        "redis",
        "mongo-1",
        "mongo-2",
        "rabbitmq",
    }


def test_compose_edges_match_ground_truth(compose_graph):
    assert edge_set(compose_graph) == {
        ("frontend", "checkout"),  # depends_on and CHECKOUT_URL
        ("frontend", "catalog"),  # ${CATALOG_HOST:-catalog}:9000
        ("checkout", "db"),  # ${DB_HOST} from .env inside a URL
        ("checkout", "payments"),  # ${PAYMENTS_HOST}:7000
        ("checkout", "redis"),  # links
        ("checkout", "rabbitmq"),  # env_file checkout.env
        ("payments", "redis"),  # REDIS_HOST=cache, the link alias
        ("payments", "rabbitmq"),  # override environment
        ("payments", "db"),  # override depends_on in the long form
        ("catalog", "mongo-1"),  # one URL naming two hosts
        ("catalog", "mongo-2"),
    }


def test_compose_externals_match_ground_truth(compose_graph):
    assert external_set(compose_graph) == {
        ("frontend", "o123.ingest.sentry.io"),
        ("checkout", "fraud.example.net"),
        ("payments", "api.stripe.com"),
    }


def test_compose_drops_self_edge(compose_graph):
    assert compose_graph.edge("payments", "payments") is None


def test_compose_keeps_evidence_per_source(compose_graph):
    edge = compose_graph.edge("frontend", "checkout")

    assert edge is not None
    details = {(e.location, e.detail) for e in edge.evidence}
    assert details == {
        ("docker-compose.yml", "depends_on: checkout"),
        ("docker-compose.yml", "environment CHECKOUT_URL"),
    }


def test_compose_env_file_evidence_names_file(compose_graph):
    edge = compose_graph.edge("checkout", "rabbitmq")

    assert edge is not None
    assert edge.evidence[0].location == "checkout.env"


def test_compose_build_context_gives_paths(compose_graph):
    assert compose_graph.paths == {
        "frontend": ("frontend/",),
        "checkout": ("services/checkout/",),
        "catalog": ("catalog/",),
    }


def test_compose_later_file_overrides_value(tmp_path):
    (tmp_path / "a.yml").write_text(
        "services:\n  web:\n    environment: [API=http://old-api:80]\n"
        "  old-api: {image: x}\n  new-api: {image: x}\n"
    )
    (tmp_path / "b.yml").write_text(
        "services:\n  web:\n    environment:\n      API: http://new-api:80\n"
    )

    found = read_compose([tmp_path / "a.yml", tmp_path / "b.yml"], tmp_path)

    assert {(e.source, e.target) for e in found.edges} == {("web", "new-api")}


def test_compose_environment_overrides_env_file(tmp_path):
    (tmp_path / ".env").write_text("API_HOST=from-dotenv\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    environment: ['API=http://${API_HOST}']\n"
        "  from-dotenv: {}\n  from-shell: {}\n"
    )

    found = read_compose(
        [tmp_path / "compose.yaml"], tmp_path, environment={"API_HOST": "from-shell"}
    )

    assert {(e.source, e.target) for e in found.edges} == {("web", "from-shell")}


def test_env_file_forms_read():
    values = read_env_file(COMPOSE / ".env", {})

    assert values == {
        "DB_HOST": "db",
        "PAYMENTS_HOST": "payments",  # the comment after the value is dropped
        "DB_PASSWORD": "s3cr3t$not-a-variable",  # single quotes: no substitution
    }


def test_missing_env_file_warns(tmp_path, caplog):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    env_file: [web.env]\n"
    )

    found = read_compose([tmp_path / "compose.yaml"], tmp_path)

    assert found.services == ("web",)
    assert "compose.yaml: env_file web.env does not exist" in caplog.text


def test_compose_unknown_dependency_is_skipped(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    depends_on: [missing]\n"
    )

    found = read_compose([tmp_path / "compose.yaml"], tmp_path)

    assert found.edges == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("services: [web]\n", "services: expected a mapping"),
        ("- web\n", "expected a mapping at the top level"),
        ("services:\n  web: [image]\n", "services.web: expected a mapping"),
        ("services:\n  web: {image: [\n", "compose.yaml:3: invalid YAML"),
    ],
    ids=["services-list", "top-list", "service-list", "broken-yaml"],
)
def test_compose_invalid_file_names_problem(tmp_path, text, problem):
    (tmp_path / "compose.yaml").write_text(text)

    with pytest.raises(InvestigationError) as raised:
        read_compose([tmp_path / "compose.yaml"], tmp_path)

    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("$A:1", {"A": "x"}, "x:1"),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A:+set}", {"A": "x"}, "set"),
        ("${A:+set}", {}, ""),
        ("${A:?needed}", {}, ""),
        ("$${A}", {"A": "x"}, "${A}"),
        ("${MISSING}", {}, ""),
    ],
    ids=[
        "braced",
        "plain",
        "default-unset",
        "default-empty",
        "default-only-unset",
        "alternative-set",
        "alternative-unset",
        "required-unset",
        "escaped",
        "missing",
    ],
)
def test_substitute_compose_forms(text, variables, expected):
    assert substitute(text, variables, "compose.yaml") == expected


def test_kubernetes_services_are_workloads(kubernetes_graph):
    assert set(kubernetes_graph.services) == {
        "cartservice",
        "redis-cart",
        "frontend",
        "productcatalogservice",
        "productcatalogservice-canary",
        "catalog-db",
    }


def test_kubernetes_edges_match_ground_truth(kubernetes_graph):
    assert edge_set(kubernetes_graph) == {
        ("cartservice", "redis-cart"),  # second workload of cart.yaml
        ("frontend", "cartservice"),  # Service "cart" selects cartservice
        ("frontend", "productcatalogservice"),  # cluster DNS name
        ("productcatalogservice", "catalog-db"),  # --db argument
        ("productcatalogservice-canary", "catalog-db"),
        ("productcatalogservice", "productcatalogservice-canary"),  # Istio split
    }


def test_kubernetes_externals_match_ground_truth(kubernetes_graph):
    assert external_set(kubernetes_graph) == {
        ("frontend", "shippingservice"),  # from a ConfigMap, no such workload
        ("frontend", "ads.partner.example.com"),  # envFrom the ConfigMap
        ("cartservice", "cart-shadow.staging.example.com"),  # Istio mirror
    }


def test_kubernetes_service_name_is_alias():
    found = read_kubernetes([KUBERNETES / "cart.yaml"], KUBERNETES)

    assert found.aliases["cartservice"] == frozenset({"cart"})


def test_kubernetes_evidence_names_document(kubernetes_graph):
    edge = kubernetes_graph.edge("frontend", "cartservice")

    assert edge is not None
    assert edge.evidence[0].location == "frontend.yaml#2"
    assert edge.evidence[0].detail == "env CART_SERVICE_ADDR"


def test_istio_ingress_adds_no_edge(kubernetes_graph):
    assert "shop.example.com" not in {e.source for e in kubernetes_graph.edges}
    assert kubernetes_graph.dependents_of("frontend") == ()


def test_kubernetes_missing_path_raises(tmp_path):
    with pytest.raises(InvestigationError) as raised:
        read_kubernetes([tmp_path / "k8s"], tmp_path)

    assert "does not exist" in str(raised.value)


def test_catalogue_name_wins_over_workload():
    catalogue = read_catalogue(
        [
            Service(name="web", depends_on=("cart",)),
            Service(name="cart", paths=("src/cart/",)),
        ],
        "warroom.yaml",
    )
    kubernetes = read_kubernetes([KUBERNETES], KUBERNETES)

    graph = merge_discoveries([catalogue, kubernetes])

    assert "cartservice" not in graph.services
    assert ("cart", "redis-cart") in edge_set(graph)
    assert ("frontend", "cart") in edge_set(graph)
    assert graph.paths["cart"] == ("src/cart/",)


def test_external_host_known_elsewhere_becomes_edge(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    environment: [LEDGER_URL=http://ledger:8080]\n"
    )
    catalogue = read_catalogue([Service(name="ledger")], "warroom.yaml")
    compose = read_compose([tmp_path / "compose.yaml"], tmp_path)

    graph = merge_discoveries([catalogue, compose])

    assert edge_set(graph) == {("web", "ledger")}
    assert graph.externals == ()


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "postgres://u:p@db:5432/app", [("db", True)]),
        (
            "BROKERS",
            "kafka-1:9092,kafka-2:9092",
            [("kafka-1", True), ("kafka-2", True)],
        ),
        ("SQL", "Server=sql;Port=1433;User Id=sa", [("sql", True)]),
        ("PG", "host=pg port=5432 dbname=app", [("pg", True)]),
        ("REDIS_HOST", "redis", [("redis", True)]),
        ("CACHE", "redis", [("redis", False)]),
        ("LOG_LEVEL", "info level", []),
        ("WORKERS", "4", []),
        ("RATIO", "1.5", []),
        ("METRICS", "localhost:9100", []),
        ("GRPC", "[::1]:50051", []),
    ],
    ids=[
        "url",
        "host-port-list",
        "semicolon-string",
        "libpq-string",
        "host-variable",
        "bare-word",
        "sentence",
        "number",
        "decimal",
        "localhost",
        "ipv6-loopback",
    ],
)
def test_find_hosts_shapes(variable, value, expected):
    found = [(ref.host, ref.certain) for ref in find_hosts(variable, value)]

    assert found == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("cart", "cart"),
        ("cart.shop", "cart"),
        ("cart.shop.svc", "cart"),
        ("cart.shop.svc.cluster.local", "cart"),
        ("cart.example.com", None),
        ("other", None),
    ],
    ids=["exact", "namespace", "svc", "cluster-local", "public-domain", "unknown"],
)
def test_resolve_host_kubernetes_names(host, expected):
    assert resolve_host(host, {"cart"}) == expected


def test_blast_radius_distances(compose_graph):
    radius = blast_radius(compose_graph, "payments")

    assert radius.dependents == (("checkout", 1), ("frontend", 2))
    assert radius.dependencies == (("db", 1), ("rabbitmq", 1), ("redis", 1))
    assert [e.host for e in radius.externals] == ["api.stripe.com"]


def test_blast_radius_survives_cycle():
    catalogue = read_catalogue(
        [
            Service(name="a", depends_on=("b",)),
            Service(name="b", depends_on=("c",)),
            Service(name="c", depends_on=("a",)),
        ],
        "warroom.yaml",
    )

    radius = blast_radius(merge_discoveries([catalogue]), "a")

    assert radius.dependents == (("c", 1), ("b", 2))
    assert radius.dependencies == (("b", 1), ("c", 2))


def test_blast_radius_unknown_service_raises(compose_graph):
    with pytest.raises(InvestigationError) as raised:
        blast_radius(compose_graph, "paymnets")

    assert '"paymnets" is not a service' in str(raised.value)
    assert "payments" in str(raised.value)


def test_dot_colours_blast_radius(compose_graph):
    dot = to_dot(compose_graph, blast_radius(compose_graph, "payments"))

    assert dot.startswith("digraph services {")
    assert '"payments" [label="payments", fillcolor="#f4a3a3"];' in dot
    assert '"checkout" [label="checkout", fillcolor="#f9d9a6"];' in dot
    assert '"db" [label="db", fillcolor="#b9d7f0"];' in dot
    assert '"catalog" [label="catalog"];' in dot
    assert '"checkout" -> "payments" [label="compose"];' in dot
    assert '"payments" -> "api.stripe.com" [style=dashed];' in dot


def test_png_without_graphviz_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(InvestigationError) as raised:
        write_png("digraph {}", tmp_path / "out.png")

    assert "Install Graphviz" in str(raised.value)
    assert "--format dot" in str(raised.value)
    assert not (tmp_path / "out.png").exists()
