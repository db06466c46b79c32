"""The Kubernetes manifests load, agree with each other and with warroom's settings.

No cluster runs here, so the checks read the YAML: names and labels that must match,
probes on the real endpoints, the non-root user of the Dockerfile, and a warroom.yaml
that the bot's own reader accepts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import load_config
from bot.web import METRICS_PATH

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "manifests" / "kubernetes"
SECRET_TEMPLATE = "secret.example.yaml"
# Read by bot/cli.py rather than bot/settings.py, because logging starts first.
CLI_VARIABLES = {"LOG_FORMAT"}


def load(name: str) -> dict[str, Any]:
    (document,) = list(yaml.safe_load_all((FOLDER / name).read_text()))
    return document


def by_kind() -> dict[str, dict[str, Any]]:
    documents = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        document = load(path.name)
        assert document["kind"] not in documents, path.name
        documents[document["kind"]] = document
    return documents


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict[str, Any]]:
    return by_kind()


@pytest.fixture(scope="module")
def pod(manifests) -> dict[str, Any]:
    return manifests["Deployment"]["spec"]["template"]


@pytest.fixture(scope="module")
def container(pod) -> dict[str, Any]:
    (container,) = pod["spec"]["containers"]
    return container


def environment(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container["env"]}


def test_every_kind_present(manifests):
    expected = {"Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget"}

    assert set(manifests) == expected


def test_kustomization_applies_all_but_secret():
    resources = load("kustomization.yaml")["resources"]
    files = {path.name for path in FOLDER.glob("*.yaml")}

    assert set(resources) == files - {"kustomization.yaml", SECRET_TEMPLATE}


def test_deployment_runs_two_replicas(manifests, pod):
    spec = manifests["Deployment"]["spec"]

    assert spec["replicas"] == 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    for key, value in spec["selector"]["matchLabels"].items():
        assert pod["metadata"]["labels"][key] == value


@pytest.mark.parametrize(
    ("probe", "path"),
    [
        ("readinessProbe", "/readyz"),
        ("livenessProbe", "/healthz"),
        ("startupProbe", "/healthz"),
    ],
    ids=["readiness", "liveness", "startup"],
)
def test_probe_targets_endpoint(container, probe, path):
    check = container[probe]["httpGet"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}

    assert check["path"] == path
    assert check["port"] in ports


def test_container_port_matches_port_variable(container):
    (port,) = container["ports"]

    assert environment(container)["PORT"]["value"] == str(port["containerPort"])


def test_metrics_annotations_match_endpoint(pod, container):
    annotations = pod["metadata"]["annotations"]
    (port,) = container["ports"]

    assert annotations["prometheus.io/path"] == METRICS_PATH
    assert annotations["prometheus.io/port"] == str(port["containerPort"])


def test_resources_requested(container):
    requests = container["resources"]["requests"]

    assert re.fullmatch(r"\d+m", requests["cpu"])
    assert re.fullmatch(r"\d+Mi", requests["memory"])
    assert "memory" in container["resources"]["limits"]


def test_runs_as_dockerfile_user(pod, container):
    dockerfile = (ROOT / "Dockerfile").read_text()
    (user,) = re.findall(r"^USER (\d+)", dockerfile, re.MULTILINE)
    pod_security = pod["spec"]["securityContext"]
    container_security = container["securityContext"]

    assert pod_security["runAsNonRoot"] is True
    assert str(pod_security["runAsUser"]) == user
    assert container_security["allowPrivilegeEscalation"] is False
    assert container_security["readOnlyRootFilesystem"] is True
    assert container_security["capabilities"]["drop"] == ["ALL"]


def test_secret_refs_exist_in_template(manifests, container):
    secret = manifests["Secret"]
    refs = [
        entry["valueFrom"]["secretKeyRef"]
        for entry in container["env"]
        if "secretKeyRef" in entry.get("valueFrom", {})
    ]

    assert {ref["key"] for ref in refs} == set(secret["stringData"])
    for ref in refs:
        assert ref["name"] == secret["metadata"]["name"]


def test_secret_template_has_placeholders(manifests):
    values = manifests["Secret"]["stringData"]

    for key, value in values.items():
        assert "REPLACE" in value, key
    assert values["DATABASE_URL"].startswith("postgresql://")


def test_environment_names_are_read(container):
    source = (ROOT / "bot" / "settings.py").read_text()
    read = set(re.findall(r'env\.get\("([A-Z_]+)"', source)) | CLI_VARIABLES

    for name in environment(container):
        assert name in read, f"{name} is not a setting warroom reads"


def test_config_map_mounted_at_warroom_config(manifests, pod, container):
    config_map = manifests["ConfigMap"]
    (volume,) = [
        volume
        for volume in pod["spec"]["volumes"]
        if volume.get("configMap", {}).get("name") == config_map["metadata"]["name"]
    ]
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
    path = Path(environment(container)["WARROOM_CONFIG"]["value"])

    assert path.parent == Path(mount["mountPath"])
    assert path.name in config_map["data"]


def test_config_map_is_valid_warroom_yaml(manifests, tmp_path):
    path = tmp_path / "warroom.yaml"
    path.write_text(manifests["ConfigMap"]["data"]["warroom.yaml"])

    config = load_config(path)

    assert config.announcement_channel == "#incidents"


def test_service_reaches_pods(manifests, pod, container):
    service = manifests["Service"]["spec"]
    (port,) = service["ports"]
    names = {port["name"] for port in container["ports"]}

    assert port["targetPort"] in names
    for key, value in service["selector"].items():
        assert pod["metadata"]["labels"][key] == value


def test_disruption_budget_keeps_one_pod(manifests, pod):
    budget = manifests["PodDisruptionBudget"]["spec"]
    replicas = manifests["Deployment"]["spec"]["replicas"]

    assert 1 <= budget["minAvailable"] < replicas
    for key, value in budget["selector"]["matchLabels"].items():
        assert pod["metadata"]["labels"][key] == value
