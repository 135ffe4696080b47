#!/usr/bin/env python3
"""Check what `callc build --target pipecat-evals` writes with Pipecat's own loader.

Usage: evals.py OUT_DIR SCENARIOS_JSON [OUT_DIR SCENARIOS_JSON ...]

Each OUT_DIR is one spec's output directory, each SCENARIOS_JSON the same
spec's scenario set (`callc scenarios SPEC`), which the output was written from.
For every file this

- loads it with `pipecat.evals.scenario.EvalScenarioFile.load`, the loader
  `pipecat eval run` and eval manifests use (it checks the required fields, the
  types and ranges of `runs`, `max_turns`, `max_duration_s`, `max_silence_s`,
  the metrics, the `user:`/`judge:` blocks, `!include`s and duplicate names);
- checks what the loader does NOT check: Evals reads a scenario with
  `data.get(...)`, so a misspelt optional key (`max_turn: 5`) is silently
  ignored. Every key must be one `pipecat/evals/simulation.py` reads;
- compares the loaded scenarios with the scenario set: every scenario is there
  (or named as left out in the header, with its reason), `runs` >= 3, the
  persona says the outbound direction, and every text of the spec that the
  scenario set gives (the caller's lines, the closing, the style examples, the
  signals' examples, the concerns) comes back from Pipecat's YAML reader
  exactly, character for character (the adversarial fixture's quotes,
  braces, YAML specials, control characters and line breaks included).

Then a mutation self-test: real output broken on purpose (an unknown key, a
wrong type, a missing field, an `!include` of a missing file, a duplicate
name) must be rejected, by Pipecat's loader or, for the unknown key, by this
script's own check — so this step fails if either stopped checking.

Exit status: 0 all good, 1 a check failed, 2 usage error.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

# Pipecat logs a banner on import; keep stdout for the results.
from loguru import logger

logger.remove()

from pipecat.evals.scenario import EvalScenarioFile  # noqa: E402
from pipecat.evals.simulation import EvalSimulationScenario  # noqa: E402

# The keys `pipecat/evals/simulation.py` (`_parse_simulation`) and `scenario.py` read: a file's
# top level may hold any of them as the default of its scenarios, plus `scenarios:`.
SCENARIO_KEYS = {
    "name", "persona", "goal", "success", "simulator", "metrics", "user", "judge", "max_turns",
    "max_duration_s", "max_silence_s", "runs", "trigger_disconnect",
}
TOP_KEYS = SCENARIO_KEYS | {"scenarios"}
# `_parse_metrics` / `_parse_measure` / `_parse_calls_measure`.
METRIC_KEYS = {"name", "criterion", "min_score", "measure", "min_value", "max_value", "calls"}

# The version the output must record: the one installed (the pinned one, .ci/pipecat-evals.sh).
VERSION = importlib.metadata.version("pipecat-ai")

FAILURES: list[str] = []


QUIET = []  # non-empty while the self-test expects a failure: recorded, not printed


def fail(msg: str) -> None:
    FAILURES.append(msg)
    if not QUIET:
        print(f"FAIL {msg}", file=sys.stderr)


def raw(path: Path) -> dict:
    """The file's mapping as Pipecat's own YAML loader reads it (with `!include`)."""
    from pipecat.evals.scenario import _load_mapping

    return _load_mapping(path)


def strict_keys(path: Path) -> list[str]:
    """What the loader lets through silently: keys no part of Evals reads."""
    data = raw(path)
    bad = [f"top-level key {k!r}" for k in data if k not in TOP_KEYS]
    for i, s in enumerate(data.get("scenarios") or []):
        if isinstance(s, dict):
            bad += [f"scenario #{i} key {k!r}" for k in s if k not in SCENARIO_KEYS]
    for where in [data, *(s for s in data.get("scenarios") or [] if isinstance(s, dict))]:
        for j, m in enumerate(where.get("metrics") or []):
            if isinstance(m, dict):
                bad += [f"metric #{j} key {k!r}" for k in m if k not in METRIC_KEYS]
    return bad


def load(path: Path) -> EvalScenarioFile:
    """Pipecat's loader, with its deprecation warnings made errors (callc writes the current shape)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        return EvalScenarioFile.load(path)


def left_out(path: Path) -> dict[str, str]:
    """The scenarios the header names as left out: id -> reason."""
    out = {}
    for line in header(path).splitlines():
        m = re.match(r"^#   (\S+): .* — (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def texts_of(scenario: dict) -> tuple[list[str], list[str]]:
    """The spec's texts a scenario of the set gives: (the goal's, the success's)."""
    goal, success = [], []
    for m in scenario["moments"]:
        if m["kind"] == "turn":
            said = " ".join(m["caller_says"])
            if said:
                goal.append(said)
                success.append(said)
            action = m["callee"] or {}
            if action.get("does") == "signal":
                goal += action["examples"]
                if action.get("description"):
                    goal.append(action["description"])
        elif m["kind"] == "transfer":
            goal.append(m["caller_says"])
            success.append(m["caller_says"])
    return goal, success


def check_dir(out_dir: Path, set_path: Path) -> int:
    model = json.loads(set_path.read_text(encoding="utf-8"))
    by_callee: dict[str, list[dict]] = {}
    for s in model["scenarios"]:
        by_callee.setdefault(s["callee"], []).append(s)
    files = sorted(out_dir.glob("*.yaml"))
    if not files:
        fail(f"{out_dir}: no scenario file")
        return 0
    loaded: dict[tuple[str, str], EvalSimulationScenario] = {}
    left: dict[str, str] = {}
    for path in files:
        try:
            f = load(path)
        except Exception as e:  # noqa: BLE001 - any loader error is the finding
            fail(f"{path}: Pipecat's loader rejects it: {type(e).__name__}: {e}")
            continue
        for bad in strict_keys(path):
            fail(f"{path}: {bad} is not a key Pipecat Evals reads (its loader ignores it silently)")
        head = header(path)
        if f"checked against pipecat-ai {VERSION} " not in head:
            fail(f"{path}: the header does not record pipecat-ai {VERSION}")
        m = re.search(r"played by the callee (\S+) \(", head)
        if not m:
            fail(f"{path}: the header does not name the callee")
            continue
        left.update(left_out(path))
        for s in f.scenarios:
            if not isinstance(s, EvalSimulationScenario):
                fail(f"{path}: {s.name} is not a simulation")
                continue
            file_name, _, path_id = s.name.partition("/")
            if file_name != path.stem:
                fail(f"{path}: scenario {s.name} is not named after its file")
            if (m.group(1), path_id) in loaded:
                fail(f"{path}: {m.group(1)}.{path_id} is written twice")
            loaded[(m.group(1), path_id)] = s
    seen = 0
    for sc in model["scenarios"]:
        s = loaded.get((sc["callee"], sc["path"]))
        if s is None:
            if sc["id"] not in left:
                fail(f"{out_dir}: scenario {sc['id']} is neither written nor named as left out")
            continue
        seen += 1
        check_scenario(out_dir, model, sc, s)
    # Only answering machines and unanswered calls may be left out.
    for sid in left:
        sc = next((s for s in model["scenarios"] if s["id"] == sid), None)
        if sc is None or sc["start"] == "answered":
            fail(f"{out_dir}: {sid} is left out but Evals could play it")
    if seen + len(left) != len(model["scenarios"]) or seen != len(loaded):
        fail(f"{out_dir}: {seen} written + {len(left)} left out != {len(model['scenarios'])} in the set")
    return seen


def header(path: Path) -> str:
    """The file's header comment."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


def check_scenario(out_dir: Path, model: dict, sc: dict, s: EvalSimulationScenario) -> None:
    where = f"{out_dir}: {s.name} ({sc['id']})"
    if s.runs < 3:
        fail(f"{where}: runs {s.runs} < 3")
    if "you did not place it" not in s.persona or "you did not place it" not in s.goal:
        fail(f"{where}: the outbound direction is not said")
    if s.max_turns < 2 or s.max_silence_s <= model["silence_timeout"]:
        fail(f"{where}: caps too tight (max_turns {s.max_turns}, max_silence_s {s.max_silence_s})")
    goal, success = texts_of(sc)
    p = sc["persona"]
    persona_texts = p["style"]["prefer"] + p["style"]["avoid"] + [c["text"] for c in p["concerns"]]
    persona_texts += p["behavior"] + [e["value"] for e in p["background"]]
    if p.get("persona"):
        persona_texts.append(p["persona"])
    # Pipecat strips each field as a whole (`value.strip()`), so a text at a field's very edge
    # may lose its outer blanks; callc never puts a spec's text there.
    for t in goal:
        if t and t not in s.goal:
            fail(f"{where}: the goal does not give {t!r} exactly")
    for t in success:
        if t and t not in s.success:
            fail(f"{where}: the success does not give {t!r} exactly")
    for t in persona_texts:
        if t and t not in s.persona:
            fail(f"{where}: the persona does not give {t!r} exactly")
    ends_with_goodbye = sc["success"]["outcome"]["kind"] == "end" and sc["success"]["ended_by"] != "hangup"
    if ends_with_goodbye and model["closing"] and model["closing"] not in s.goal:
        fail(f"{where}: the goal does not quote the closing line exactly")
    if ends_with_goodbye and model["closing"] and model["closing"] not in s.success:
        fail(f"{where}: the success does not quote the closing line exactly")
    if "end_call" not in s.goal:
        fail(f"{where}: the goal does not say how to hang up")


def rejected(path: Path) -> str | None:
    """Why the loader or the strict check rejects a file, or None."""
    try:
        load(path)
    except Exception as e:  # noqa: BLE001
        return f"Pipecat: {type(e).__name__}: {str(e)[:200]}"
    bad = strict_keys(path)
    return f"callc's check (Pipecat accepts it): {bad[0]}" if bad else None


def mutation_self_test(sample: Path, set_path: Path) -> None:
    """Break a real output in each way and require it to be rejected."""
    text = sample.read_text(encoding="utf-8")
    first = "\n  - name: p"  # the first scenario entry
    assert first in text, sample
    mutants = {
        "an unknown key in a scenario": (
            text.replace(first, "\n  - max_turn: 5\n    name: p", 1), "callc's check", "scenario #0 key 'max_turn'"),
        "an unknown key at the top": (
            text.replace("\nruns: ", "\nrun: 3\nruns: ", 1), "callc's check", "top-level key 'run'"),
        "a misspelt persona": (
            text.replace("\npersona: ", "\npersonaa: ", 1), "Pipecat", "needs 'turns:' (scripted) or 'persona:'"),
        "a wrong type (runs a string)": (
            re.sub(r"\nruns: \d+", '\nruns: "3"', text, count=1), "Pipecat", "'runs:' must be a positive integer"),
        "a wrong type (metrics a mapping)": (
            re.sub(r"\nmetrics:\n(  .*\n)+", "\nmetrics: {}\n", text, count=1), "Pipecat", "'metrics:' must be a list"),
        "a wrong value (max_turns 0)": (
            re.sub(r"max_turns: \d+", "max_turns: 0", text, count=1), "Pipecat", "'max_turns:' must be a positive integer"),
        "a missing goal": (
            text.replace("\n    goal: ", "\n    goall: ", 1), "Pipecat", "missing or invalid 'goal:'"),
        "a missing success": (
            text.replace("\n    success: ", "\n    successs: ", 1), "Pipecat", "missing or invalid 'success:'"),
        "an !include of a missing file": (
            text.replace("\nruns: ", "\njudge: !include no_such_judge.yaml\nruns: ", 1), "Pipecat", "no_such_judge.yaml"),
        "a duplicate scenario name": (
            text.replace(first, "\n  - name: p1\n    goal: g\n    success: s" + first, 1), "Pipecat", "duplicate scenario names"),
    }
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / sample.name
        for what, (mutant, by, reason) in mutants.items():
            if mutant == text:
                fail(f"mutation self-test: could not make {what} from {sample}")
                continue
            path.write_text(mutant, encoding="utf-8")
            why = rejected(path)
            if why is None:
                fail(f"mutation self-test: {what} was accepted")
            elif not why.startswith(by) or reason not in why:
                fail(f"mutation self-test: {what} was rejected for another reason: {why}")
            else:
                print(f"   rejected {what}: {why}")
        path.write_text(text, encoding="utf-8")
        if rejected(path):
            fail(f"mutation self-test: the unbroken copy of {sample} is rejected")
    # The comparison with the scenario set must notice one character changed in a line.
    model = json.loads(set_path.read_text(encoding="utf-8"))
    callee = re.search(r"played by the callee (\S+) \(", header(sample)).group(1)
    s = load(sample).scenarios[0]
    sc = next(x for x in model["scenarios"] if x["callee"] == callee and x["path"] == s.name.split("/")[1])
    line = next(t for t in texts_of(sc)[0] if t.strip())
    s.goal = s.goal.replace(line, line[:-1] + ("?" if line[-1] != "?" else "!"))
    before = len(FAILURES)
    QUIET.append(True)
    check_scenario(sample.parent, model, sc, s)
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
    for out_dir, set_path in pairs:
        n = check_dir(out_dir, set_path)
        total += n
        print(f"   {out_dir.name}: {n} simulation(s) loaded and compared with the scenario set")
    sample = next(((p, j) for d, j in pairs for p in sorted(d.glob("*.yaml"))), None)
    if sample is None:
        fail("no output to run the mutation self-test on")
    else:
        print(f"== mutation self-test on {sample[0]}")
        mutation_self_test(*sample)
    print(f"   {total} simulation(s) in {time.monotonic() - started:.1f}s")
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
