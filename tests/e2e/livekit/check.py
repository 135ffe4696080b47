#!/usr/bin/env python3
"""Check what `callc build --target livekit` writes with LiveKit's own simulation types.

Usage: check.py SCENARIOS_YAML SCENARIOS_JSON [SCENARIOS_YAML SCENARIOS_JSON ...]

Each SCENARIOS_YAML is one spec's output, each SCENARIOS_JSON the same spec's
scenario set (`callc scenarios SPEC`), which the output was written from. For
every file this

- reads it as `lk agent simulate --scenarios FILE` does (livekit-cli,
  `cmd/lk/simulate.go`, `loadScenarioGroup`: each scenario's `userdata`
  mapping JSON-encoded into the protobuf's string field; that loader is Go and
  in no Python package) and loads the result into LiveKit's own protobuf
  message, `livekit.agents.simulation.ScenarioGroup`, with
  `google.protobuf.json_format.ParseDict`, which rejects an unknown field and a
  value of the wrong type;
- then checks what neither does: lk reads the YAML into Go structs with
  yaml.v3, which drops a key it does not know, including `id`, a field the
  protobuf has; so every key must be one lk reads;
- compares it with the scenario set: every scenario is there by its label (or
  named as left out in the header, with its reason), the tags and `userdata`
  say the scenario's callee, path, outcome, the variables' values and what
  success is, the instructions say the outbound direction, and every text of
  the spec that the scenario set gives (the caller's lines, the closing, the
  style examples, the signals' examples, the concerns) comes back exactly,
  character for character.

Then a mutation self-test: real output broken on purpose (an unknown key, a
field of the wrong type, `userdata` that is not a mapping) must be rejected.
The format has no references between its parts (no scenario names another),
so there is no dangling reference to test. Each mutant must be rejected for
its own reason (the message is checked), not for another breakage.

Exit status: 0 all good, 1 a check failed, 2 usage error.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import yaml
from google.protobuf.json_format import MessageToDict, ParseDict
from livekit.agents.simulation import ScenarioGroup

VERSION = importlib.metadata.version("livekit-agents")
# The keys `lk`'s scenariosFile and yamlScenario structs read.
FILE_KEYS = {"name", "scenarios"}
SCENARIO_KEYS = {"label", "instructions", "agent_expectations", "tags", "userdata"}

FAILURES: list[str] = []


QUIET = []  # non-empty while the self-test expects a failure: recorded, not printed


def fail(msg: str) -> None:
    FAILURES.append(msg)
    if not QUIET:
        print(f"FAIL {msg}", file=sys.stderr)


def load(path: Path) -> ScenarioGroup:
    """The file as `lk agent simulate` reads it, into LiveKit's ScenarioGroup.

    First as lk converts it (each scenario's `userdata` mapping JSON-encoded), then LiveKit's own
    protobuf message via ParseDict (an unknown field or a wrong type is an error), then the one
    thing neither checks: a key the protobuf has but lk's YAML structs do not read (`id`), which
    lk would drop silently.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the top level is not a mapping")
    group = dict(data)
    if isinstance(data.get("scenarios"), list):
        group["scenarios"] = []
        for i, s in enumerate(data["scenarios"]):
            if isinstance(s, dict) and "userdata" in s:
                if not isinstance(s["userdata"], dict):
                    raise ValueError(f"scenario #{i}: `userdata` is not a mapping (lk cannot read it)")
                s = {**s, "userdata": json.dumps(s["userdata"], ensure_ascii=False)}
            group["scenarios"].append(s)
    message = ParseDict(group, ScenarioGroup())
    unknown = set(data) - FILE_KEYS
    for s in data["scenarios"]:
        unknown |= set(s) - SCENARIO_KEYS
    if unknown:
        raise ValueError(f"keys lk does not read (it would drop them): {sorted(unknown)}")
    return message


def header(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


def left_out(head: str) -> dict[str, str]:
    out = {}
    for line in head.splitlines():
        m = re.match(r"^#   (\S+): .* — (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def texts_of(sc: dict) -> tuple[list[str], list[str]]:
    """The spec's texts a scenario gives: (the instructions', the expectations')."""
    said, expected = [], []
    for m in sc["moments"]:
        if m["kind"] == "turn":
            line = " ".join(m["caller_says"])
            if line:
                said.append(line)
                expected.append(line)
            action = m["callee"] or {}
            if action.get("does") == "signal":
                said += action["examples"]
        elif m["kind"] == "transfer":
            said.append(m["caller_says"])
            expected.append(m["caller_says"])
    p = sc["persona"]
    if sc["start"] == "answered":
        said += p["style"]["prefer"] + p["style"]["avoid"] + [c["text"] for c in p["concerns"]]
        said += p["behavior"] + [e["value"] for e in p["background"]] + ([p["persona"]] if p.get("persona") else [])
    return said, expected


def outcome_tag(sc: dict) -> str:
    o = sc["success"]["outcome"]
    if o["kind"] == "transfer":
        return "transfer:" + o["transfer"]
    return o["condition"] or "end"


def check(path: Path, set_path: Path) -> int:
    model = json.loads(set_path.read_text(encoding="utf-8"))
    try:
        group = load(path)
    except Exception as e:  # noqa: BLE001 - any loader error is the finding
        fail(f"{path}: rejected: {type(e).__name__}: {e}")
        return 0
    head = header(path)
    if f"checked against livekit-agents {VERSION} " not in head:
        fail(f"{path}: the header does not record livekit-agents {VERSION}")
    left = left_out(head)
    if group.name != model["call"]:
        fail(f"{path}: the group is named {group.name!r}, not {model['call']!r}")
    by_label = {}
    for s in group.scenarios:
        if s.label in by_label:
            fail(f"{path}: label {s.label!r} twice")
        by_label[s.label] = s
    values = [v["value"] for v in model["vars"]]
    for sc in model["scenarios"]:
        s = by_label.get(sc["id"])
        where = f"{path}: {sc['id']}"
        if s is None:
            if sc["id"] not in left:
                fail(f"{where}: neither written nor named as left out")
            elif sc["start"] != "no_answer":
                fail(f"{where}: left out, but a simulation could play it")
            continue
        tags = dict(s.tags)
        want = {"callee": sc["callee"], "path": sc["path"], "start": sc["start"], "outcome": outcome_tag(sc)}
        if tags != want:
            fail(f"{where}: tags {tags} != {want}")
        userdata = json.loads(s.userdata)
        if list(userdata["vars"].values()) != values:
            fail(f"{where}: userdata.vars {userdata['vars']} do not hold the variables' values {values}")
        if len(set(userdata["vars"])) != len(model["vars"]):
            fail(f"{where}: two variables share a userdata key: {list(userdata['vars'])}")
        if userdata["expect"] != sc["success"] or userdata["scenario"] != sc["id"]:
            fail(f"{where}: userdata.expect is not the scenario set's success")
        if "did not place it" not in s.instructions and "placed this outbound call" not in s.instructions:
            fail(f"{where}: the instructions do not say the outbound direction")
        said, expected = texts_of(sc)
        for t in said:
            if t and t not in s.instructions:
                fail(f"{where}: the instructions do not give {t!r} exactly")
        for t in expected:
            if t and t not in s.agent_expectations:
                fail(f"{where}: the agent expectations do not give {t!r} exactly")
        ends_with_goodbye = sc["success"]["outcome"]["kind"] == "end" and sc["success"]["ended_by"] != "hangup"
        if ends_with_goodbye and model["closing"] and model["closing"] not in s.agent_expectations:
            fail(f"{where}: the agent expectations do not quote the closing line exactly")
    if len(by_label) + len(left) != len(model["scenarios"]):
        fail(f"{path}: {len(by_label)} written + {len(left)} left out != {len(model['scenarios'])}")
    return len(by_label)


def mutation_self_test(sample: Path, set_path: Path) -> None:
    """Break a real output in each way (on its data, written back as YAML) and require a rejection
    for that reason."""
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))

    def mutant(change) -> dict:
        d = json.loads(json.dumps(data))
        change(d)
        return d

    first = lambda d: d["scenarios"][0]  # noqa: E731
    mutants = {
        "an unknown key in a scenario": (
            mutant(lambda d: first(d).update(instruction="x")), 'has no field named "instruction"'),
        "an unknown key at the top": (mutant(lambda d: d.update(group="y")), 'has no field named "group"'),
        "a key the protobuf has but lk does not read": (
            mutant(lambda d: first(d).update(id="SC_1")), "keys lk does not read (it would drop them): ['id']"),
        "a misspelt agent_expectations": (
            mutant(lambda d: first(d).update(agent_expectation=first(d).pop("agent_expectations"))),
            'has no field named "agent_expectation"'),
        "a wrong type (a tag's value a number)": (
            mutant(lambda d: first(d)["tags"].update(turns=3)), "Failed to parse tags field"),
        "a wrong type (label a list)": (
            mutant(lambda d: first(d).update(label=["a", "b"])), "Failed to parse label field"),
        "a wrong type (instructions a mapping)": (
            mutant(lambda d: first(d).update(instructions={"a": "b"})), "Failed to parse instructions field"),
        "a wrong type (scenarios a mapping)": (
            mutant(lambda d: d.update(scenarios={"a": first(d)})), "repeated field scenarios must be in []"),
        "userdata not a mapping": (
            mutant(lambda d: first(d).update(userdata="plain text")), "`userdata` is not a mapping"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / sample.name
        for what, (broken, reason) in mutants.items():
            path.write_text(yaml.safe_dump(broken, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                load(path)
            except Exception as e:  # noqa: BLE001
                if reason not in str(e):
                    fail(f"mutation self-test: {what} was rejected for another reason: {e}")
                else:
                    print(f"   rejected {what}: {type(e).__name__}: {str(e)[:110]}")
            else:
                fail(f"mutation self-test: {what} was accepted")
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            MessageToDict(load(path))
        except Exception as e:  # noqa: BLE001
            fail(f"mutation self-test: the unbroken copy of {sample} is rejected: {e}")
    # The comparison with the scenario set must notice one character changed in a line.
    model = json.loads(set_path.read_text(encoding="utf-8"))
    sc = next(x for x in model["scenarios"] if x["id"] == data["scenarios"][0]["label"])
    line = next(t for t in texts_of(sc)[1] if t.strip())
    changed = mutant(lambda d: first(d).update(
        agent_expectations=first(d)["agent_expectations"].replace(line, line[:-1] + ("?" if line[-1] != "?" else "!"))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / sample.name
        path.write_text(header(sample) + yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
        before = len(FAILURES)
        QUIET.append(True)
        check(path, set_path)
        QUIET.pop()
        if len(FAILURES) == before:
            fail("mutation self-test: a caller's line changed by one character went unnoticed")
        else:
            del FAILURES[before:]
            print("   noticed a caller's line changed by one character")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.monotonic()
    pairs = [(Path(argv[i]), Path(argv[i + 1])) for i in range(0, len(argv), 2)]
    total = 0
    for path, set_path in pairs:
        n = check(path, set_path)
        total += n
        print(f"   {path.name}: {n} scenario(s) loaded into ScenarioGroup and compared with the scenario set")
    print(f"== mutation self-test on {pairs[0][0]}")
    mutation_self_test(*pairs[0])
    print(f"   {total} scenario(s) in {time.monotonic() - started:.1f}s")
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
