"""infra/ stays true to the code: deployments point at real flows with real parameters, the
compose services and the Terraform policy use the names and prefixes the code uses.

Docker and Terraform do not run here; these checks read the files and compare them with the
code (Prefect's own models validate the deployment file and its triggers).
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shlex
import typing
from pathlib import Path, PurePosixPath
from typing import Any
from uuid import uuid4

import pytest
import yaml
from pydantic import BaseModel

REPO = Path(__file__).resolve().parents[1]
INFRA = REPO / "infra"
PREFECT_YAML = INFRA / "prefect.yaml"
COMPOSE_YAML = INFRA / "compose.yaml"
TERRAFORM = INFRA / "aws"

# flow name -> entrypoint expected in prefect.yaml
FLOWS = {
    "process-document": "flows/process_document.py:process_document_flow",
    "ingest": "flows/ingest.py:ingest_flow",
}
# Variables read by Prefect itself rather than by Settings.
NON_SETTINGS_ENV = {"WORLDVIEW_CODE_DIR"}


def settings_fields() -> dict[str, Any]:
    from worldview.settings import Settings

    return Settings.model_fields


def settings_default(name: str) -> Any:
    return settings_fields()[name].default


def is_settings_env(name: str) -> bool:
    return name.startswith("WORLDVIEW_") and name[len("WORLDVIEW_") :].lower() in settings_fields()


# -- prefect.yaml ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project() -> dict:
    return yaml.safe_load(PREFECT_YAML.read_text())


@pytest.fixture(scope="module")
def deployments(project) -> list[dict]:
    return project["deployments"]


def load_flow(entrypoint: str):
    path, _, attribute = entrypoint.partition(":")
    assert (REPO / path).is_file(), f"{path} does not exist"
    module = importlib.import_module(str(PurePosixPath(path).with_suffix("")).replace("/", "."))
    return getattr(module, attribute)


def deployment_for(deployments: list[dict], flow_name: str) -> dict:
    matches = [d for d in deployments if d["entrypoint"] == FLOWS[flow_name]]
    assert len(matches) == 1, f"expected one deployment of {flow_name}, found {len(matches)}"
    return matches[0]


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model in ``Model`` or ``Model | None``, else None."""
    candidates = typing.get_args(annotation) or (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def check_parameter_names(flow, parameters: dict) -> None:
    """Every named parameter exists, and so does every field named inside a model parameter
    (pydantic would silently drop a misspelt field)."""
    hints = typing.get_type_hints(flow.fn)
    for name, value in parameters.items():
        assert name in hints, f"{flow.name} has no parameter {name!r}"
        model = model_of(hints[name])
        if model is not None and isinstance(value, dict):
            unknown = set(value) - set(model.model_fields)
            assert not unknown, f"{flow.name}: {model.__name__} has no field(s) {sorted(unknown)}"


def test_prefect_yaml_is_a_valid_project_file(project):
    from prefect.cli.deploy._models import PrefectYamlModel

    model = PrefectYamlModel.model_validate(project)
    assert model.build is None and model.push is None, "code comes from a checkout, no image"
    assert model.pull, "workers need a pull step (working directory or git clone)"
    assert {d.entrypoint for d in model.deployments} == set(FLOWS.values())


@pytest.mark.parametrize("flow_name", sorted(FLOWS))
def test_deployment_entrypoint_is_the_named_flow(deployments, flow_name):
    from prefect import Flow

    deployment = deployment_for(deployments, flow_name)
    flow = load_flow(deployment["entrypoint"])
    assert isinstance(flow, Flow), f"{deployment['entrypoint']} is not a Prefect flow"
    assert flow.name == flow_name
    parameters = deployment.get("parameters") or {}
    check_parameter_names(flow, parameters)
    required = {
        name
        for name, p in inspect.signature(flow.fn).parameters.items()
        if p.default is inspect.Parameter.empty
    }
    if required <= set(parameters):  # else the trigger, the watcher or the UI form supplies them
        flow.validate_parameters(parameters)


def test_every_deployment_runs_on_the_work_pool(deployments):
    for deployment in deployments:
        pool = deployment["work_pool"]
        assert pool["name"] == "worldview-pool"
        for name in pool["job_variables"]["env"]:
            assert is_settings_env(name), f"job variable {name} is not a Settings field"
        limit = deployment["concurrency_limit"]
        assert limit["limit"] >= 1 and limit["collision_strategy"] in {"ENQUEUE", "CANCEL_NEW"}


def test_env_placeholders_name_settings(project):
    values = json.dumps(project)  # the parsed file: placeholders in comments do not count
    placeholders = set(re.findall(r"\{\{\s*\$(\w+)\s*\}\}", values))
    assert placeholders, "expected {{ $WORLDVIEW_... }} placeholders"
    for name in placeholders - NON_SETTINGS_ENV:
        assert is_settings_env(name), f"{{{{ ${name} }}}} is not a Settings field"


def test_process_document_deployment_is_the_one_the_watcher_starts(deployments):
    from worldview.stack.watcher import PROCESS_DEPLOYMENT

    deployment = deployment_for(deployments, "process-document")
    assert f"process-document/{deployment['name']}" == PROCESS_DEPLOYMENT


def test_ingest_schedule_is_the_settings_cron(deployments):
    from prefect.client.schemas.schedules import CronSchedule

    (schedule,) = deployment_for(deployments, "ingest")["schedules"]
    CronSchedule(cron=schedule["cron"], timezone=schedule.get("timezone"))  # raises if invalid
    assert schedule["cron"] == settings_default("ingest_cron")
    assert schedule["active"] is True


def render_trigger_parameters(parameters: dict, event) -> dict:
    """Render a trigger's parameters as the Prefect server does for a run-deployment action."""
    import copy

    from prefect.server.events.actions import RunDeployment
    from prefect.utilities.schema_tools.hydration import HydrationContext, hydrate

    parameters = copy.deepcopy(parameters)
    RunDeployment._upgrade_v1_templates(parameters)
    context = HydrationContext(render_jinja=True, jinja_context={"event": event})
    rendered = hydrate(parameters, context)
    assert "__prefect_kind" not in json.dumps(rendered, default=str), rendered
    return rendered


def upload_event(resource: dict, payload: dict):
    from prefect.server.events.schemas.events import ReceivedEvent
    from prefect.types._datetime import now

    return ReceivedEvent(
        id=uuid4(),
        occurred=now("UTC"),
        event="document.uploaded",
        resource=resource,
        payload=payload,
    )


def test_upload_trigger_starts_process_document_with_the_event_object(deployments):
    from prefect.events import DeploymentEventTrigger, DeploymentTriggerTypes
    from prefect.server.events.schemas.events import ResourceSpecification
    from pydantic import TypeAdapter

    from worldview.stack.watcher import UPLOAD_EVENT

    deployment = deployment_for(deployments, "process-document")
    flow = load_flow(deployment["entrypoint"])
    (spec,) = deployment["triggers"]
    trigger = TypeAdapter(DeploymentTriggerTypes).validate_python(dict(spec))
    assert isinstance(trigger, DeploymentEventTrigger)
    assert trigger.expect == {UPLOAD_EVENT}
    check_parameter_names(flow, trigger.parameters)
    match = ResourceSpecification(trigger.match.model_dump())

    resource = {"prefect.resource.id": "s3://team/incoming/a.html", "worldview.start-run": "true"}
    with_version = upload_event(
        resource, {"bucket": "team", "key": "incoming/a.html", "version_id": "3/L4kqtJlcpXro"}
    )
    assert match.matches(with_version.resource)
    params = flow.validate_parameters(render_trigger_parameters(trigger.parameters, with_version))
    assert params["source"].model_dump() == {
        "key": "incoming/a.html",
        "bucket": "team",
        "version_id": "3/L4kqtJlcpXro",
    }

    key_only = upload_event(resource, {"key": "incoming/b.txt"})
    params = flow.validate_parameters(render_trigger_parameters(trigger.parameters, key_only))
    assert params["source"].model_dump() == {
        "key": "incoming/b.txt",
        "bucket": None,
        "version_id": None,
    }


def test_watcher_events_do_not_start_a_second_run(deployments):
    """The watcher starts the run itself and then emits document.uploaded for the UI; the trigger
    must not match that event (its resource as worldview.stack.watcher.emit_uploaded builds it)."""
    from prefect.server.events.schemas.events import Resource, ResourceSpecification

    from worldview.identity import source_uri

    (spec,) = deployment_for(deployments, "process-document")["triggers"]
    match = ResourceSpecification(spec["match"])
    watcher_resource = {"prefect.resource.id": source_uri("team", "incoming/a.html"), "etag": "x"}
    assert not match.matches(Resource(watcher_resource))


# -- compose.yaml ---------------------------------------------------------------------------------

COMPOSE_SERVICES = {"seaweedfs", "postgres", "prefect-server", "register", "worker", "watcher"}
WORLDVIEW_SERVICES = {"register", "worker", "watcher"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_YAML.read_text())


def command_of(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_services_are_complete(compose):
    services = compose["services"]
    assert set(services) == COMPOSE_SERVICES
    for name, service in services.items():
        assert service.get("image"), f"{name}: no image"
        assert service.get("command"), f"{name}: no command"
        assert service.get("environment"), f"{name}: no environment"
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
    for volume in compose["volumes"]:
        assert any(
            str(v).startswith(f"{volume}:") for s in services.values() for v in s.get("volumes", [])
        )


def test_compose_worldview_services_use_the_project_image_and_settings(compose):
    services = compose["services"]
    for name in WORLDVIEW_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "infra/Dockerfile"
        assert (COMPOSE_YAML.parent / service["build"]["context"] / "infra/Dockerfile").is_file()
        env = service["environment"]
        assert env["WORLDVIEW_S3_ENDPOINT"] == "http://seaweedfs:8333"
        assert env["PREFECT_API_URL"] == "http://prefect-server:4200/api"
        for key in env:
            if key.startswith("WORLDVIEW_") and key not in NON_SETTINGS_ENV:
                assert is_settings_env(key), f"{name}: {key} is not a Settings field"


def test_compose_commands_exist(compose, project):
    from worldview.cli import build_parser

    services = compose["services"]
    worker = command_of(services["worker"])
    assert worker[:3] == ["prefect", "worker", "start"]
    pool = worker[worker.index("--pool") + 1]
    assert pool == project["deployments"][0]["work_pool"]["name"]

    register = " ".join(command_of(services["register"]))
    assert f"work-pool create {pool} --type process" in register
    assert "--prefect-file infra/prefect.yaml" in register

    watcher = command_of(services["watcher"])
    assert watcher[0] == "worldview"
    args = build_parser().parse_args(watcher[1:])  # exits (fails the test) on an unknown command
    assert args.command == watcher[1]


def test_compose_object_store_matches_the_embedded_one(compose, tmp_path):
    """Same `weed mini` rules as worldview.stack.objectstore, same identities file shape."""
    from worldview.stack.objectstore import write_identities

    service = compose["services"]["seaweedfs"]
    argv = service["entrypoint"] + command_of(service)
    assert argv[:2] == ["/usr/bin/weed", "mini"]
    assert "-master.telemetry=false" in argv
    (config,) = service["configs"]
    assert f"-s3.config={config['target']}" in argv

    content = compose["configs"][config["source"]]["content"]
    rendered = json.loads(re.sub(r"\$\{(\w+)[^}]*\}", r"\1", content))
    expected = json.loads(write_identities(tmp_path / "s3.json", "A", "S").read_text())
    identity = rendered["identities"][0]
    assert identity["actions"] == expected["identities"][0]["actions"]
    assert set(identity["credentials"][0]) == {"accessKey", "secretKey"}


def test_dockerfile_installs_every_package(compose):
    """The image copies every package pyproject.toml installs, at the pull step's directory."""
    import tomllib

    dockerfile = (INFRA / "Dockerfile").read_text()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    # Top-level packages: the find patterns ("worldview*" covers worldview and its subpackages).
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.MULTILINE))
    assert set(packages) <= copied, f"not copied into the image: {set(packages) - copied}"
    workdir = re.search(r"^WORKDIR (\S+)$", dockerfile, re.MULTILINE).group(1)
    for name in WORLDVIEW_SERVICES:
        assert compose["services"][name]["environment"]["WORLDVIEW_CODE_DIR"] == workdir
    assert "prefecthq/prefect:3.9.1-python3.11" in dockerfile
    assert compose["services"]["prefect-server"]["image"] == "prefecthq/prefect:3.9.1-python3.11"


# -- Terraform ------------------------------------------------------------------------------------


def terraform_variable_defaults() -> dict[str, str]:
    text = (TERRAFORM / "variables.tf").read_text()
    blocks = re.findall(r'variable "(\w+)" \{(.*?)\n\}', text, re.DOTALL)
    defaults = {}
    for name, body in blocks:
        found = re.search(r'^\s*default\s*=\s*"([^"]*)"', body, re.MULTILINE)
        if found:
            defaults[name] = found.group(1)
    return defaults


def terraform_local_list(name: str) -> set[str]:
    text = (TERRAFORM / "main.tf").read_text()
    found = re.search(rf"^\s*{name}\s*=\s*\[(.*?)\]", text, re.MULTILINE | re.DOTALL)
    assert found, f"local {name} not found in main.tf"
    return set(re.findall(r"var\.(\w+)", found.group(1)))


def storage_prefixes() -> dict[str, str]:
    """Each prefix the code writes or reads, by the Terraform variable that must equal it."""
    from worldview import storage

    return {
        "incoming_prefix": settings_default("incoming_prefix"),
        "records_prefix": settings_default("records_prefix"),
        "index_prefix": str(PurePosixPath(storage.INDEX_KEY).parent) + "/",
        "errors_prefix": storage.ERRORS_PREFIX,
        "quarantine_prefix": storage.QUARANTINE_PREFIX,
        "claims_prefix": storage.CLAIMS_PREFIX,
    }


def test_terraform_prefixes_are_the_storage_layout():
    defaults = terraform_variable_defaults()
    for variable, prefix in storage_prefixes().items():
        assert defaults.get(variable) == prefix, f"variables.tf {variable} != code's {prefix!r}"


def test_worker_policy_reads_sources_and_writes_only_pipeline_prefixes():
    outputs = set(storage_prefixes()) - {"incoming_prefix"}
    assert terraform_local_list("written_prefixes") == outputs
    assert terraform_local_list("listed_prefixes") == set(storage_prefixes())
    assert "incoming_prefix" not in terraform_local_list("read_prefixes")
    main = (TERRAFORM / "main.tf").read_text()
    sources = re.search(r'sid\s*=\s*"ReadSources"(.*?)\n  \}', main, re.DOTALL).group(1)
    assert '"s3:GetObject", "s3:GetObjectVersion"' in sources
    assert "${var.incoming_prefix}*" in sources
    notification = re.search(r'resource "aws_s3_bucket_notification".*?\n\}', main, re.DOTALL)
    assert "filter_prefix = var.incoming_prefix" in notification.group(0)
    assert '"s3:ObjectCreated:*"' in notification.group(0)


def test_terraform_blocks_are_balanced():
    """A cheap syntax guard (no terraform binary here): braces and brackets pair up."""
    for path in TERRAFORM.glob("*.tf"):
        text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', path.read_text())
        text = re.sub(r"#.*", "", text)
        for open_, close in ("{}", "[]", "()"):
            assert text.count(open_) == text.count(close), f"{path.name}: unbalanced {open_}{close}"


# -- issue 15 ------------------------------------------------------------------------------------


def test_the_failed_documents_automation_matches_the_ingest_state():
    """Case 8: docs/deploy.md's automation parses with Prefect's models and fires on the state
    ``ingest`` ends in when documents failed (the event is ``prefect.flow-run.<state name>``)."""
    from prefect.events.schemas.automations import AutomationCore

    from flows.ingest import COMPLETED_WITH_FAILURES, ingest_flow

    data = yaml.safe_load((INFRA / "automations" / "notify-failed-documents.yaml").read_text())
    automation = AutomationCore.model_validate(data)
    assert f"prefect.flow-run.{COMPLETED_WITH_FAILURES}" in automation.trigger.expect
    assert "prefect.flow-run.Failed" in automation.trigger.expect
    assert data["trigger"]["match_related"]["prefect.resource.name"] == ingest_flow.name
    assert automation.actions[0].type == "send-notification"


def test_compose_locks_the_store_down_and_gives_uploaders_their_own_identity(compose):
    """Case 6: the store's unauthenticated HTTP APIs are off and its JWT keys come from .env;
    uploaders have an identity of their own that can only write under incoming/."""
    service = compose["services"]["seaweedfs"]
    assert "-disableHttp" in command_of(service)
    env = service["environment"]
    for name in ("JWT_SIGNING_KEY", "JWT_SIGNING_READ_KEY", "JWT_FILER_SIGNING_KEY"):
        assert "?set it in infra/.env" in env[f"WEED_{name}"], name
    content = compose["configs"]["s3_identities"]["content"]
    identities = json.loads(re.sub(r"\$\{(\w+)[^}]*\}", r"\1", content))["identities"]
    uploader = next(i for i in identities if i["name"] == "uploader")
    assert uploader["actions"] == ["Write:WORLDVIEW_BUCKET/incoming/*"]
    assert uploader["credentials"][0]["accessKey"] == "WORLDVIEW_UPLOADER_ACCESS_KEY"
    example = (INFRA / ".env.example").read_text()
    for variable in ("WORLDVIEW_UPLOADER_ACCESS_KEY", "WORLDVIEW_UPLOADER_SECRET_KEY"):
        assert f"{variable}=" in example
    for variable in ("SEAWEEDFS_JWT_KEY", "SEAWEEDFS_FILER_JWT_KEY"):
        assert f"{variable}=" in example and f"${{{variable}" in json.dumps(env)
