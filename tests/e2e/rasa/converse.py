#!/usr/bin/env python3
"""Run a Rasa project written by `callc build --target rasa` and check it behaves as the spec says.

Usage: converse.py PROJECT_DIR SPEC_JSON [PROJECT_DIR SPEC_JSON ...]

SPEC_JSON is `callc build SPEC --target json` of the same spec. For each project
this trains a model with Rasa's Python API (no licence needed; no LLM is called:
every message below is a payload Rasa handles without one), loads it, and holds
conversations that walk the spec's flow graph:

- `/session_start` must make the assistant say the opening and then the lines of
  the first step, up to the first step that waits for a reply;
- at every step that waits (a step with branches), every signal with a branch
  there, `no_signal`, and a signal with no branch there are each given once
  (`/SetSlots(callee_signal=VALUE)`), after the shortest way to reach that step;
  what the assistant then says must be exactly the lines of the steps the spec
  goes through, then the closing and a hang-up when the spec ends, with
  `end_condition` holding the spec's `end(ID)`;
- every FAQ entry with an intent is asked at the first waiting step (`/faq_ID`):
  the assistant must say the answer, say the step's last line again, and go on
  from the same step (the FAQ does not move the flow).

Texts are compared exactly, so this also proves that Rasa's YAML reader and
response templating give back every string of the spec.
Slot values of `callee_signal` are the spec's signals in order, then `no_signal`;
values of `end_condition` are the end conditions in order (documented in
docs/targets/rasa.md). Exit status: 0 all as specified, 1 a difference, 2 usage.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# The command generator is configured (it is what the project runs with) but never called here.
os.environ.setdefault("OPENAI_API_KEY", "not-used-by-this-test")

END = "END"


class Spec:
    """The flow graph of the json target, with the Rasa slot values of signals and ends."""

    def __init__(self, data: dict, signal_values: list[str], end_values: list[str]) -> None:
        self.data = data
        self.steps = {s["id"]: s for s in data["flow"]["steps"]}
        self.first = data["flow"]["start"]
        signals = [s["id"] for s in data["signals"]]
        ends = [c["id"] for c in data["end"]["conditions"]]
        if signal_values and len(signal_values) != len(signals) + 1:
            raise SystemExit("callee_signal should have one value per signal, then no_signal")
        self.value_of_signal = dict(zip(signals, signal_values))
        self.no_signal = signal_values[len(signals)] if len(signal_values) > len(signals) else None
        self.value_of_end = dict(zip(ends, end_values))

    def branches(self, step: dict) -> list[dict]:
        """The branches in force at a step (JSON format 2): its own, then every
        global branch on a signal its own do not name."""
        own = step["branches"]
        named = {b["signal"] for b in own}
        return own + [g for g in self.data["flow"]["global_branches"] if g["signal"] not in named]

    def target(self, step: dict, value: str) -> dict:
        for b in self.branches(step):
            if self.value_of_signal[b["signal"]] == value:
                return b["target"]
        return step["next"]

    def run(self, target: dict) -> tuple[list[str], str | None, str | None]:
        """What the caller says from `target` on: (texts, the step that then waits or END, end condition)."""
        said: list[str] = []
        seen = set()
        while target["kind"] == "step":
            step = self.steps[target["step"]]
            if step["id"] in seen:
                raise LoopWithoutWait(step["id"])
            seen.add(step["id"])
            # A step with nothing to say waits with an empty response.
            waits = bool(self.branches(step))
            said.extend(step["say"] or ([""] if waits else []))
            if waits:
                return said, step["id"], None
            target = step["next"]
        said.append(self.data["end"]["closing"])
        return said, END, target["condition"]

    def start(self) -> tuple[list[str], str | None, str | None]:
        said, at, end = self.run({"kind": "step", "step": self.first})
        opening = self.data.get("opening")
        return ([opening] if opening is not None else []) + said, at, end


def rasa_says(text: str) -> str:
    """What Rasa says for a spec text: the text itself, but for the word joiner (U+2060)
    that callc's `response_text` puts after a `{` followed by whitespace and `}` (or by a
    word joiner), since Rasa's validator rejects any response matching `{\\s*}`."""
    return re.sub(r"\{(?=\s*\}|\u2060)", "{\u2060", text)


class LoopWithoutWait(Exception):
    """The spec goes round steps without branches forever (callc's W0202): no turn would end."""


async def talk(agent, sender: str, message: str) -> list[str]:
    """What the assistant says in reply, as it decided to say it (the `BotUttered` events:
    output channels then format texts their own way, e.g. the REST channel strips them)."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.events import BotUttered

    before = await agent.tracker_store.retrieve(sender)
    known = len(before.events) if before else 0
    await agent.handle_message(UserMessage(message, CollectingOutputChannel(), sender_id=sender))
    after = await agent.tracker_store.retrieve(sender)
    return [e.text for e in list(after.events)[known:] if isinstance(e, BotUttered)]


async def check_project(project: Path, spec_json: Path) -> list[str]:
    from rasa.core.agent import load_agent
    from rasa.core.config.configuration import Configuration
    from rasa.model_training import train
    from rasa.shared.utils.yaml import read_yaml_file

    problems: list[str] = []
    data = json.loads(spec_json.read_text(encoding="utf-8"))
    domain = read_yaml_file(project / "domain.yml")
    slots = domain.get("slots") or {}
    spec = Spec(
        data,
        list((slots.get("callee_signal") or {}).get("values") or []),
        list((slots.get("end_condition") or {}).get("values") or []),
    )
    # The FAQ flows are written in the order of the FAQ entries.
    faq_file = project / "data" / "faq.yml"
    faq_flows = list(read_yaml_file(faq_file)["flows"].values()) if faq_file.exists() else []

    here = os.getcwd()
    os.chdir(project)
    try:
        Configuration.initialise_empty()
        t = time.monotonic()
        # Training prints a banner on standard output; the report stays on standard output alone.
        with tempfile.TemporaryDirectory() as models, contextlib.redirect_stdout(sys.stderr):
            result = await train(
                domain="domain.yml", config="config.yml", training_files=["data"], output=models
            )
            if result.code != 0 or not result.model:
                return [f"training failed with code {result.code}"]
            agent = await load_agent(model_path=result.model)
        print(f"  trained and loaded in {time.monotonic() - t:.1f}s")
    finally:
        os.chdir(here)

    counter = iter(range(1_000_000))
    checks = collections.Counter()

    async def conversation(prefix: list[str]) -> tuple[str, list[list[str]]]:
        sender = f"c{next(counter)}"
        replies = [await talk(agent, sender, m) for m in prefix]
        return sender, replies

    async def end_condition(sender: str):
        tracker = await agent.tracker_store.retrieve(sender)
        return tracker.get_slot("end_condition"), type(tracker.events[-1]).__name__

    def compare(what: str, got: list[str], want: list[str]) -> None:
        checks["texts"] += 1
        want = [rasa_says(w) for w in want]
        if got != want:
            problems.append(f"{what}:\n      said:     {got!r}\n      expected: {want!r}")

    # The opening and the way to every step that waits, shortest first.
    try:
        said, at, end = spec.start()
    except LoopWithoutWait as e:
        return [f"the spec loops through steps that never wait ({e}); nothing to converse with"]
    sender, replies = await conversation(["/session_start"])
    compare("/session_start", replies[0], said)
    paths = {at: []} if at != END else {}
    queue = collections.deque([at] if at != END else [])
    while queue:
        step_id = queue.popleft()
        step = spec.steps[step_id]
        for value in list(spec.value_of_signal.values()) + [spec.no_signal]:
            try:
                _, nxt, _ = spec.run(spec.target(step, value))
            except LoopWithoutWait:
                continue
            if nxt != END and nxt not in paths:
                paths[nxt] = paths[step_id] + [value]
                queue.append(nxt)

    # Every branch, the default successor and an unrelated signal, at every waiting step.
    for step_id, path in paths.items():
        step = spec.steps[step_id]
        branched = [spec.value_of_signal[b["signal"]] for b in spec.branches(step)]
        unrelated = [v for v in spec.value_of_signal.values() if v not in branched][:1]
        for value in dict.fromkeys(branched + [spec.no_signal] + unrelated):
            try:
                want, nxt, end = spec.run(spec.target(step, value))
            except LoopWithoutWait:
                continue
            messages = ["/session_start"] + [f"/SetSlots(callee_signal={v})" for v in path + [value]]
            sender, replies = await conversation(messages)
            compare(f"at step `{step_id}`, signal value `{value}` (after {path})", replies[-1], want)
            if nxt == END:
                checks["ends"] += 1
                slot, last = await end_condition(sender)
                want_slot = spec.value_of_end.get(end) if end else None
                if slot != want_slot or last != "SessionEnded":
                    problems.append(
                        f"at step `{step_id}`, `{value}`: end_condition={slot!r}, last event {last}; "
                        f"expected {want_slot!r} and a hang-up"
                    )

    # FAQ answers interrupt the first waiting step and the call goes on from there.
    if at != END:
        step = spec.steps[at]
        for q, (qa, flow) in enumerate(zip(data["faq"], faq_flows)):
            triggers = flow.get("nlu_trigger") or []
            if not triggers:
                continue
            intent = triggers[0]["intent"]
            last_line = step["say"][-1:] or [""]  # the question of the step's collect, asked again
            want_next, _, _ = spec.run(spec.target(step, spec.no_signal))
            sender, replies = await conversation(
                ["/session_start", f"/{intent}", f"/SetSlots(callee_signal={spec.no_signal})"]
            )
            compare(f"FAQ `{qa['id']}` asked at step `{at}`", replies[1], [qa["answer"]] + last_line)
            compare(f"after FAQ `{qa['id']}`, no signal at step `{at}`", replies[2], want_next)
            checks["faq"] += 1

    print(
        f"  {checks['texts']} exchanges compared, {len(paths)} waiting steps, "
        f"{checks['ends']} ends, {checks['faq']} FAQ entries"
    )
    return problems


async def main(argv: list[str]) -> int:
    if len(argv) < 3 or len(argv) % 2 == 0:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = 0
    started = time.monotonic()
    pairs = list(zip(argv[1::2], argv[2::2]))
    for project, spec_json in pairs:
        print(f"{project}:")
        t = time.monotonic()
        problems = await check_project(Path(project).resolve(), Path(spec_json).resolve())
        if problems:
            failed += 1
            print(f"FAIL {project} ({time.monotonic() - t:.1f}s)")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"ok   {project} ({time.monotonic() - t:.1f}s)")
    total = time.monotonic() - started
    if failed:
        print(f"{failed} of {len(pairs)} project(s) do not behave as specified ({total:.1f}s)", file=sys.stderr)
        return 1
    print(f"all {len(pairs)} project(s) behave as specified ({total:.1f}s)")
    return 0


if __name__ == "__main__":
    import logging

    import structlog

    # Rasa logs every event at debug/info level: keep warnings and errors, on standard error.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    sys.exit(asyncio.run(main(sys.argv)))
