#!/usr/bin/env python3
"""The vapi target's output checked with Vapi's own SDK (vapi-server-sdk, the
version tests/e2e/vapi/requirements.txt pins), as Vapi GitOps would push it.

    check.py OUT:SCENARIOS.json ...   (each: a `--target vapi` directory and
                                       `callc scenarios` of the same spec)
    check.py --self-test OUT:SCENARIOS.json   (only the mutation self-test)

Each output directory is read as GitOps reads it (gitops.cjs: its YAML
reader and its Markdown-with-frontmatter format), then:

- every resource is loaded into the SDK's own request models: the assistant
  and the personalities' assistants into `CreateAssistantDto`, scenarios
  into `CreateScenarioDto`, structured outputs into
  `CreateStructuredOutputDto`; simulations and suites, which have no model,
  are sent through the SDK's own client methods
  (`simulations.simulation_controller_create`, …) over a fake transport, and
  the request body must be the file's mapping;
- the SDK is lenient, so this script checks what it lets through itself
  (each marked LENIENT below): its models accept unknown keys (pydantic
  `extra="allow"`) and any value for an enum (`Union[Literal[…], Any]`), so
  every key is checked against the model's declared fields (by their JSON
  names, recursively, through unions and lists) and every enum value
  against its literals; GitOps drops a reference to a missing resource
  with a warning, so every reference must name a file of the output;
- every text is rendered by LiquidJS (gitops.cjs), strictly: a placeholder
  must name a variable the assistant declares (`metadata.variables`), the
  simulations' texts name none, and broken markup fails; no string may be
  one whole `{{ NAME }}` (GitOps would take it for its own variable);
- round trip: the first message, the end-call phrase and every line the
  scenarios say, rendered with each scenario's `variableValues`, are the
  texts of `callc scenarios` (the spec's texts with the same values);
- every file records the SDK version it was checked against.

The mutation self-test (run first, on the first output) breaks a real
output in each way the checks must catch and fails unless every mutant is
rejected: so CI fails if a check stopped checking.
"""

from __future__ import annotations

import argparse
import collections.abc
import copy
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import typing
from pathlib import Path

import httpx
import pydantic
from vapi import Vapi
from vapi.types import (
    CreateAssistantDto,
    CreatePersonalityDto,
    CreateScenarioDto,
    CreateStructuredOutputDto,
)

HERE = Path(__file__).resolve().parent
REQUIREMENTS = (HERE / "requirements.txt").read_text(encoding="utf-8")
PIN = next(l.strip() for l in REQUIREMENTS.splitlines() if l.startswith("vapi-server-sdk=="))
PACKAGE, VERSION = PIN.split("==")
CHECKED = f"checked against {PACKAGE} {VERSION}"

# GitOps' managed variables: a string that is one whole `{{ NAME }}`.
GITOPS_PLACEHOLDER = re.compile(r"^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$")

MODELS = {
    "assistants": CreateAssistantDto,
    "personalities": CreatePersonalityDto,
    "scenarios": CreateScenarioDto,
    "structuredOutputs": CreateStructuredOutputDto,
}


# ---------------------------------------------------------------------------
# Reading (gitops.cjs) and rendering (LiquidJS)
# ---------------------------------------------------------------------------


def node(*args: str, stdin: str | None = None) -> typing.Any:
    run = subprocess.run(
        ["node", str(HERE / "gitops.cjs"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"gitops.cjs {' '.join(args)} failed:\n{run.stderr}")
    return json.loads(run.stdout)


def render(jobs: list[dict]) -> list[dict]:
    return node("render", stdin=json.dumps(jobs)) if jobs else []


def strings(value: typing.Any, path: str = "") -> typing.Iterator[tuple[str, str]]:
    """Every string in a resource, with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{path}[{i}]")


# ---------------------------------------------------------------------------
# LENIENT: the SDK's models take unknown keys and any enum value
# ---------------------------------------------------------------------------


def strict(value: typing.Any, ann: typing.Any, path: str, errors: list[str]) -> None:
    """Checks `value` against the type `ann` of the SDK: every key a declared
    field (its JSON name), every enum value one of its literals, every scalar
    of its type."""
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return strict(value, typing.get_args(ann)[0], path, errors)
    if ann is typing.Any or ann is object:
        return
    if origin is typing.Union:
        members = list(typing.get_args(ann))
        if type(None) in members:
            if value is None:
                return
            members = [m for m in members if m is not type(None)]
        literals = [m for m in members if typing.get_origin(m) is typing.Literal]
        if literals and typing.Any in members:
            # Fern's open enum, `Union[Literal[…], Any]`: the SDK takes anything.
            allowed = [v for m in literals for v in typing.get_args(m)]
            if value not in allowed:
                errors.append(f"{path}: {value!r} is not one of {allowed}")
            return
        best: list[str] | None = None
        for m in members:
            e: list[str] = []
            strict(value, m, path, e)
            if not e:
                return
            if best is None or len(e) < len(best):
                best = e
        errors.extend(best or [f"{path}: matches no type of {ann}"])
        return
    if origin is typing.Literal:
        if value not in typing.get_args(ann):
            errors.append(f"{path}: {value!r} is not one of {list(typing.get_args(ann))}")
        return
    if origin in (list, collections.abc.Sequence):
        if not isinstance(value, list):
            errors.append(f"{path}: a list is expected, not {type(value).__name__}")
            return
        (item,) = typing.get_args(ann) or (typing.Any,)
        for i, v in enumerate(value):
            strict(v, item, f"{path}[{i}]", errors)
        return
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            errors.append(f"{path}: a mapping is expected, not {type(value).__name__}")
            return
        args = typing.get_args(ann)
        for k, v in value.items():
            strict(v, args[1] if len(args) == 2 else typing.Any, f"{path}.{k}", errors)
        return
    if isinstance(ann, type) and issubclass(ann, pydantic.BaseModel):
        if not isinstance(value, dict):
            errors.append(f"{path}: a mapping ({ann.__name__}) is expected, not {type(value).__name__}")
            return
        fields = {(f.alias or name): f for name, f in ann.model_fields.items()}
        for k, v in value.items():
            if k not in fields:
                errors.append(f"{path}.{k}: not a field of {ann.__name__}")
            else:
                strict(v, fields[k].annotation, f"{path}.{k}", errors)
        for key, f in fields.items():
            if f.is_required() and key not in value:
                errors.append(f"{path}: {ann.__name__} needs `{key}`")
        return
    if ann is str:
        if not isinstance(value, str):
            errors.append(f"{path}: a string is expected, not {value!r}")
        return
    if ann is bool:
        if not isinstance(value, bool):
            errors.append(f"{path}: true or false is expected, not {value!r}")
        return
    if ann in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"{path}: a number is expected, not {value!r}")
        return
    errors.append(f"{path}: cannot check the type {ann!r}")


def model_check(model: type[pydantic.BaseModel], data: dict, where: str, errors: list[str]) -> None:
    try:
        model.model_validate(data)
    except pydantic.ValidationError as e:
        errors.append(f"{where}: {model.__name__} refuses it: {e}")
        return
    strict(data, model, where, errors)


# The SDK methods for the resources without a request model.
def client_check(kind: str, data: dict, where: str, errors: list[str]) -> None:
    sent: dict = {}

    def handler(request: httpx.Request) -> httpx.Response:
        sent["body"] = json.loads(request.content or b"{}")
        return httpx.Response(400, json={"message": "fake transport"})

    client = Vapi(token="offline", httpx_client=httpx.Client(transport=httpx.MockTransport(handler)))
    method = {
        "simulations": client.simulations.simulation_controller_create,
        "simulationSuites": client.simulation_suites.simulation_suite_controller_create,
    }[kind]
    params = inspect.signature(method).parameters
    snake = lambda k: re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", k).lower()  # noqa: E731
    kwargs = {snake(k): v for k, v in data.items()}
    unknown = [k for k, s in zip(data, kwargs) if s not in params or s == "request_options"]
    if unknown:
        errors.append(f"{where}: the SDK's {method.__name__} takes no {unknown}")
        return
    hints = typing.get_type_hints(method)
    for k, v in kwargs.items():
        strict(v, hints[k], f"{where}.{k}", errors)
    try:
        method(**kwargs)
    except TypeError as e:
        errors.append(f"{where}: the SDK's {method.__name__} refuses it: {e}")
        return
    except Exception:  # noqa: BLE001 - the fake transport's 400: the request was built
        pass
    if sent.get("body") != data:
        errors.append(f"{where}: the SDK sends {sent.get('body')!r}, not the file's {data!r}")


# ---------------------------------------------------------------------------
# One output directory
# ---------------------------------------------------------------------------


def check_dir(out: Path, scenario_set: dict) -> list[str]:
    loaded = node("load", str(out))
    errors: list[str] = list(loaded["errors"]) + [f"GitOps warns: {w}" for w in loaded["warnings"]]
    by_type: dict[str, dict[str, dict]] = {}
    for r in loaded["resources"]:
        by_type.setdefault(r["type"], {})[r["id"]] = r
    assistants = by_type.get("assistants", {})
    if len(assistants) != 1:
        return errors + [f"{out}: one assistant expected, found {sorted(assistants)}"]
    (assistant,) = assistants.values()
    a = assistant["data"]

    # Every file records the version; nothing but resources and callc's own files.
    for f in sorted(out.rglob("*")):
        if f.is_file() and not f.name.startswith("."):
            if CHECKED not in f.read_text(encoding="utf-8"):
                errors.append(f"{f.relative_to(out)}: does not say `{CHECKED}`")

    # The SDK's models; what they let through (LENIENT) checked here.
    for kind, items in sorted(by_type.items()):
        for rid, r in sorted(items.items()):
            where = f"{kind}/{rid}"
            data = copy.deepcopy(r["data"])
            if kind == "structuredOutputs" and "assistant_ids" in data:
                # GitOps' spelling: its resolver sends `assistantIds` (resolved ids).
                data["assistantIds"] = data.pop("assistant_ids")
            if kind in MODELS:
                model_check(MODELS[kind], data, where, errors)
            elif kind in ("simulations", "simulationSuites"):
                client_check(kind, data, where, errors)
            else:
                errors.append(f"{where}: callc writes no {kind}")

    # LENIENT: GitOps drops a reference to a missing resource with a warning.
    def ref(kind: str, rid: typing.Any, where: str) -> None:
        if rid not in by_type.get(kind, {}):
            errors.append(f"{where}: refers to {kind} `{rid}`, which the output does not have")

    for rid in a.get("artifactPlan", {}).get("structuredOutputIds", []):
        ref("structuredOutputs", rid, f"assistants/{assistant['id']}.artifactPlan")
    for rid, r in by_type.get("structuredOutputs", {}).items():
        for aid in r["data"].get("assistant_ids", []):
            ref("assistants", aid, f"structuredOutputs/{rid}.assistant_ids")
    for rid, r in by_type.get("scenarios", {}).items():
        for e in r["data"].get("evaluations", []):
            ref("structuredOutputs", e.get("structuredOutputId"), f"scenarios/{rid}.evaluations")
    for rid, r in by_type.get("simulations", {}).items():
        ref("personalities", r["data"].get("personalityId"), f"simulations/{rid}.personalityId")
        ref("scenarios", r["data"].get("scenarioId"), f"simulations/{rid}.scenarioId")
    for rid, r in by_type.get("simulationSuites", {}).items():
        for sid in r["data"].get("simulationIds", []):
            ref("simulations", sid, f"simulationSuites/{rid}.simulationIds")

    # Vapi's limits GitOps' `validate` checks: a name of at most 40 UTF-16 units.
    name = a.get("name", "")
    if len(name.encode("utf-16-le")) // 2 > 40:
        errors.append(f"assistants/{assistant['id']}.name: longer than the 40 characters Vapi takes")

    # Liquid: the declared variables, and every text rendered strictly.
    declared = list((a.get("metadata") or {}).get("variables", {}).keys())
    jobs, places = [], []
    for kind, items in sorted(by_type.items()):
        for rid, r in sorted(items.items()):
            scope = {v: "x" for v in declared} if kind == "assistants" else {}
            for where, s in strings(r["data"]):
                if GITOPS_PLACEHOLDER.match(s.strip()):
                    errors.append(f"{kind}/{rid}.{where}: {s!r} reads as a GitOps variable")
                if where.startswith("targetOverrides.variableValues."):
                    name = where.rsplit(".", 1)[1]
                    if name not in declared:
                        errors.append(f"{kind}/{rid}.{where}: the assistant declares no variable `{name}`")
                    continue  # values, not templates
                jobs.append({"template": s, "scope": scope, "strict": True})
                places.append(f"{kind}/{rid}.{where}")
    for place, result in zip(places, render(jobs)):
        if not result["ok"]:
            errors.append(f"{place}: LiquidJS: {result['error']}")

    errors.extend(round_trip(a, by_type, scenario_set))
    return errors


def round_trip(a: dict, by_type: dict, scenario_set: dict) -> list[str]:
    """The texts Vapi says, rendered with a scenario's values, are the spec's
    texts with the same values (`callc scenarios`)."""
    errors: list[str] = []
    scenarios = by_type.get("scenarios", {})
    if not scenarios:
        return errors
    values = dict(next(iter(scenarios.values()))["data"].get("targetOverrides", {}).get("variableValues", {}))
    # A variable without a value: the scenario set keeps it as `{{id}}`.
    for name, meta in (a.get("metadata") or {}).get("variables", {}).items():
        values.setdefault(name, "{{" + meta["id"] + "}}")
    prompt = a["model"]["messages"][0]["content"]
    jobs = [{"template": prompt, "scope": values}]
    if "firstMessage" in a:
        jobs.append({"template": a["firstMessage"], "scope": values})
    if a.get("endCallPhrases"):
        jobs.append({"template": a["endCallPhrases"][0], "scope": values})
    rendered = render(jobs)
    for r in rendered:
        if not r["ok"]:
            return [f"round trip: LiquidJS: {r['error']}"]
    said = [r["text"] for r in rendered]
    if "firstMessage" in a and said[1] != scenario_set["opening"]:
        errors.append(f"firstMessage says {said[1]!r}, the spec {scenario_set['opening']!r}")
    if a.get("endCallPhrases") and said[-1] != scenario_set["closing"]:
        errors.append(f"endCallPhrases says {said[-1]!r}, the spec {scenario_set['closing']!r}")
    # Every line of every scenario is in the rendered prompt, quoted (a text's
    # later lines are indented under its item there).
    squeeze = lambda s: re.sub(r"\n[ ]*", "\n", s)  # noqa: E731
    text = squeeze(said[0])
    lines = {line for s in scenario_set["scenarios"] for m in s["moments"] if m["kind"] == "turn" for line in m["caller_says"]}
    for line in sorted(lines):
        if squeeze(line) not in text:
            errors.append(f"the system prompt does not say {line!r}")
    COMPARED[0] += len(lines) + len(jobs) - 1
    return errors


COMPARED = [0]


# ---------------------------------------------------------------------------
# The mutation self-test
# ---------------------------------------------------------------------------


def mutate(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    broken, n = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if n != 1:
        raise SystemExit(f"self-test: {path} has no {pattern!r} to break")
    path.write_text(broken, encoding="utf-8")


def self_test(out: Path, scenario_set: dict) -> None:
    base = check_dir(out, scenario_set)
    if base:
        raise SystemExit("self-test: the unbroken output fails already:\n" + "\n".join(base))
    first = lambda folder, pattern: sorted((out / folder).rglob(pattern))[0].relative_to(out)  # noqa: E731
    assistant = first("assistants", "*.md")
    scenario = first("simulations/scenarios", "*.yml")
    test = first("simulations/tests", "*.yml")
    personality = first("simulations/personalities", "*.yml")
    # What each mutant breaks, and the words the error must have (so that it
    # is rejected for that reason, not another).
    mutants = [
        ("an unknown key in the assistant's header", assistant,
         r"^firstMessageMode:", "firstMesageMode: x\nfirstMessageMode:", "not a field of CreateAssistantDto"),
        ("an unknown key deep in the header (model.tools[0])", assistant,
         r"^    - type: endCall$", "    - type: endCall\n      function: {}", ".model.tools[0].function: not a field"),
        ("a wrong type (endCallPhrases a string)", assistant,
         r"^endCallPhrases:\n  - ", "endCallPhrases: ", "CreateAssistantDto refuses it"),
        ("a value outside an enum (firstMessageMode)", assistant,
         r"^firstMessageMode: \S+$", "firstMessageMode: assistant-speaks-sometimes", "is not one of"),
        ("a placeholder naming an undeclared variable", assistant,
         r"^---\n\n", "---\n\n{{ nobody_declared_this }}\n", "undefined variable: nobody_declared_this"),
        ("a broken {% raw %}", assistant,
         r"^---\n\n", "---\n\n{% raw %}{\n", "raw"),
        ("a broken frontmatter (no closing ---)", assistant,
         r"^---\n\n", "\n", "no frontmatter"),
        ("an unknown key in a scenario", scenario,
         r"^evaluations:", "evaluation: []\nevaluations:", "not a field of CreateScenarioDto"),
        ("a wrong type in a scenario (required: \"yes\", which pydantic takes)", scenario,
         r"^    required: true$", '    required: "yes"', "true or false is expected"),
        ("a scenario judged by a missing structured output", scenario,
         r"^  - structuredOutputId: ", "  - structuredOutputId: missing/", "which the output does not have"),
        ("an unknown key in a personality's assistant", personality,
         r"^  firstMessageMode:", "  firstMessage_mode: x\n  firstMessageMode:", "not a field of CreateAssistantDto"),
        ("a simulation naming a missing scenario", test,
         r"^scenarioId: ", "scenarioId: nowhere/", "which the output does not have"),
        ("an unknown key in a simulation", test,
         r"^scenarioId:", "scenario: x\nscenarioId:", "takes no ['scenario']"),
        ("a whole-value GitOps placeholder", test,
         r"^name: .*$", 'name: "{{ gitops_var }}"', "reads as a GitOps variable"),
    ]
    survived = []
    for what, file, pattern, replacement, reason in mutants:
        with tempfile.TemporaryDirectory() as tmp:
            copy_dir = Path(tmp) / "out"
            shutil.copytree(out, copy_dir)
            mutate(copy_dir / file, pattern, replacement)
            errors = check_dir(copy_dir, scenario_set)
            why = next((e for e in errors if reason in e), None)
            if why is None:
                survived.append(f"{what}: {errors[:3] or 'accepted'}")
            else:
                print(f"   rejected: {what}\n      {why.splitlines()[0][:160]}")
    if survived:
        raise SystemExit("self-test: the checks let these broken outputs through:\n  " + "\n  ".join(survived))


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--self-test", action="store_true", help="only the mutation self-test")
    parser.add_argument("pairs", nargs="+", metavar="OUT:SCENARIOS.json")
    args = parser.parse_args()
    pairs = []
    for p in args.pairs:
        out, _, scen = p.rpartition(":")
        pairs.append((Path(out), json.loads(Path(scen).read_text(encoding="utf-8"))))
    print(f"== mutation self-test on {pairs[0][0].name}")
    self_test(*pairs[0])
    if args.self_test:
        return
    failed = 0
    COMPARED[0] = 0
    for out, scenario_set in pairs:
        errors = check_dir(out, scenario_set)
        files = sum(1 for f in out.rglob("*") if f.is_file() and not f.name.startswith("."))
        if errors:
            failed += 1
            print(f"FAIL {out.name}: {len(errors)} problem(s)")
            for e in errors[:40]:
                print(f"   {e}")
        else:
            print(f"ok   {out.name}: {files} files, {COMPARED[0]} texts said as the spec says them")
        COMPARED[0] = 0
    if failed:
        raise SystemExit(f"{failed} output(s) failed")


if __name__ == "__main__":
    main()
