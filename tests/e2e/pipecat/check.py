#!/usr/bin/env python3
"""Check the `pipecat` target with Pipecat's own code, offline.

Usage: check.py [--require-all] [--reference NAME] RUNTIME_MODULE DIR

DIR holds, for each spec NAME, `NAME.flow.json` (`callc build --target pipecat`),
`NAME.json` (`--target json`), `NAME.scenarios.json` (`callc scenarios`) and
`NAME.all-events.json` (`callc scenarios --all-events`). RUNTIME_MODULE is callc's
`callc_flows.py`.

For every config this
- loads it with `pipecat.flows.FlowConfig.from_json` (pydantic: unknown keys, the
  initial node, every `transition_to` and branch case, unique function names, no
  node function shadowing a global one, the shape of every action);
- validates it against the JSON Schema shipped in the pipecat-ai wheel
  (`pipecat/flows/flow_config.schema.json`, draft 2020-12) with `jsonschema`;
- joins it to its handlers with `pipecat.flows.Flow` (through `callc_flows.Call`,
  which also checks the node names its `callc` data holds: FlowConfig passes an
  action's extra keys through unread, so it checks none of them);
- checks each capture's JSON Schema (a valid draft 2020-12 schema; a valid sample
  value passes it and `callc_flows.valid`, an invalid one fails both);
- drives the flow through every scenario of `callc scenarios` (and of `--all-events`)
  with Pipecat's own `FlowManager` (its `ActionManager` runs the actions): a stand-in
  pipeline worker processes the frames the manager queues in order and reports
  them downstream as a pipeline does (`BotStoppedSpeakingFrame` once the speech
  queued has been played), and a scripted stand-in for the LLM calls, at each
  moment, the tool the scenario's action means through the handler Pipecat built
  for it (signal -> its function; reply -> `reply` with a valid value for every
  capture given; withhold -> `reply` without them; silence and hangup ->
  `Call.event`; voicemail -> the `voicemail` function, and for callee-first calls
  also `Call.event`; no_answer -> `Call.event_without_call`). Each run must visit
  exactly the nodes of the scenario's path (the answer and opening nodes, the steps,
  the transfer nodes, the end node), say exactly the scenario's lines (the
  `TTSSpeakFrame`s Pipecat queued, with the variables filled by Pipecat from the
  scenario's values), send a role message holding every caller text of the spec
  (from `NAME.json`, `callc build --target json`), reach its outcome with its
  captures and transfer destination, never make the LLM speak on entering a node,
  and end the pipeline when the call ends; a few scenarios of some specs
  (REAL_PIPELINE) run again through a real `PipelineWorker` and `Pipeline`, whose
  last processor stands in for TTS and the output transport;
- and, with --reference NAME (default taishan_renewal), requires that spec's runs to
  reach every end condition.

Then a mutation self-test: broken copies of real outputs (an unknown key at each
level, a transition and a branch case to a missing node, a missing initial node, a
node function shadowing a global one, wrong types, a tts_say with a handler, a
missing handler, callc data naming a missing node, a changed line, a changed
transition) must each be rejected by the loaders that should reject them, and
accepted by those documented as lenient -- so this fails if a loader stops
checking. Nothing here needs a network or an API key.

With --require-all, the runs together must show: a capture filled and one asked
again, a retry spent, a transfer made and one failed, silence, voicemail (function
and event), hangup, no_answer and a `continue` step.

Exit status: 0 all as specified, 1 a difference, 2 usage.
"""

from __future__ import annotations

import asyncio
import copy
import importlib.resources
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="ERROR")

import jsonschema  # noqa: E402
from pipecat.flows import Flow, FlowConfig, FlowManager, FlowReferenceError  # noqa: E402
from pipecat.frames.frames import (  # noqa: E402
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    EndFrame,
    LLMRunFrame,
    LLMSetToolsFrame,
    LLMUpdateSettingsFrame,
    TTSSpeakFrame,
)
from pipecat.pipeline.pipeline import Pipeline  # noqa: E402
from pipecat.pipeline.worker import PipelineWorker  # noqa: E402
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor  # noqa: E402
from pipecat.services.llm_service import FunctionCallParams  # noqa: E402
from pipecat.workers.runner import WorkerRunner  # noqa: E402


class Failure(Exception):
    """A difference from what the spec says."""


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location("callc_flows", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["callc_flows"] = module
    spec.loader.exec_module(module)
    return module


SCHEMA = json.loads(importlib.resources.files("pipecat.flows").joinpath("flow_config.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def blank(s: str) -> bool:
    """Whether callc leaves a line out (only white space, as Rust's `trim` reads it)."""
    return all(c.isspace() and c not in "\x1c\x1d\x1e\x1f" for c in s)


# --- loading -------------------------------------------------------------------------


def loaders(text: str, module) -> dict[str, str | None]:
    """What each loader says of a config: None (accepted) or why it rejected it. `flow`
    and `callc` are left out when FlowConfig rejects it (they take a loaded config), and
    `flow` when callc_flows refuses it first."""
    out: dict[str, str | None] = {}
    try:
        config = FlowConfig.from_json(text)
        out["pydantic"] = None
    except Exception as e:  # noqa: BLE001 - any rejection counts
        config = None
        out["pydantic"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
    errors = sorted(VALIDATOR.iter_errors(json.loads(text)), key=lambda e: list(e.absolute_path))
    out["schema"] = f"{errors[0].message[:200]} at {list(errors[0].absolute_path)}" if errors else None
    if config is None:
        return out
    try:
        module.Call(config)
        out["flow"] = out["callc"] = None
    except module.CallcError as e:
        out["callc"] = str(e)
    except FlowReferenceError as e:
        out["flow"] = str(e)
        out["callc"] = None
    return out


def sample(schema: dict, good: bool) -> Any:
    """A value a capture's schema takes (good) or refuses."""
    kind = schema["type"]
    if kind == "boolean":
        return True if good else "yes"
    if kind == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if good:
            return lo if lo is not None else (hi if hi is not None else 42)
        if hi is not None:
            return hi + 1
        if lo is not None:
            return lo - 1
        return 2.5
    if kind == "number":
        return 8 if good else "eight"
    if "enum" in schema:
        return schema["enum"][0] if good else "not_a_choice"
    pattern = schema.get("pattern")
    goods = {
        "date": ("2026-11-24", "2026-13-45"),
        "time": ("09:30", "25:61"),
        "phone": ("+8613812345678", "12345"),
        "email": ("zhang.qiang@taishan.com", "zhang.qiang-at-taishan"),
    }
    if pattern is None:
        return "张强 😀 明天下午 {{ x }}" if good else 7
    for key, (ok, bad) in goods.items():
        if jsonschema.Draft202012Validator({"pattern": pattern}).is_valid(ok):
            return ok if good else bad
    raise Failure(f"no sample for pattern {pattern!r}")


def check_captures(call, module) -> int:
    """Each capture's schema is a valid schema; a good sample passes it and the runtime's
    check, a bad one fails both. Returns how many were checked."""
    n = 0
    for node, meta in call.meta.items():
        for fname, spec in meta.get("functions", {}).items():
            jsonschema.Draft202012Validator.check_schema(
                {"type": "object", "properties": spec["properties"], "required": spec.get("needed", [])}
            )
            for key, schema in spec["properties"].items():
                for good in (True, False):
                    value = sample(schema, good)
                    by_schema = jsonschema.Draft202012Validator(schema, format_checker=None).is_valid(value)
                    by_runtime = module.valid(schema, value)
                    if by_schema != good or by_runtime != good:
                        raise Failure(
                            f"{node}.{fname}({key}): {value!r} should be {'valid' if good else 'invalid'}: "
                            f"jsonschema says {by_schema}, callc_flows.valid says {by_runtime}"
                        )
                n += 1
    return n


# --- the stand-ins: a pipeline worker and an LLM ---------------------------------------


class FakeWorker:
    """What `FlowManager` and its `ActionManager` use of a `PipelineWorker`: frames queued
    are processed in order by a task; the types in the downstream filter are reported to
    the `on_frame_reached_downstream` handlers, each in a task of its own (as
    `BaseObject._call_event_handler` does for that event); and once everything queued has
    been processed and the bot has spoken, `BotStoppedSpeakingFrame` is reported (the
    output transport's, after the speech is played)."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self.handlers: dict[str, list] = {}
        self.filter: tuple = ()
        self.said: list[str] = []
        self.tools = None
        self.system: list[str] = []
        self.llm_runs = 0
        self.ended = False
        self.speaking = False
        self.busy = False
        self.tasks: set[asyncio.Task] = set()
        self.errors: list[BaseException] = []
        self.consumer = asyncio.get_running_loop().create_task(self._consume())

    @property
    def worker(self):
        """What the flow manager is given as its worker: this stand-in itself."""
        return self

    # The PipelineWorker API the flow manager uses.
    def set_reached_downstream_filter(self, types) -> None:
        self.filter = tuple(types)

    def event_handler(self, name: str):
        def register(handler):
            self.handlers.setdefault(name, []).append(handler)
            return handler

        return register

    async def queue_frame(self, frame) -> None:
        self.queue.put_nowait(frame)

    async def queue_frames(self, frames) -> None:
        for frame in frames:
            self.queue.put_nowait(frame)

    # The pipeline.
    async def _consume(self) -> None:
        while True:
            frame = await self.queue.get()
            self.busy = True
            try:
                self._process(frame)
            finally:
                self.busy = False
                self.queue.task_done()

    def _process(self, frame) -> None:
        if self.ended:
            return
        if isinstance(frame, TTSSpeakFrame):
            self.said.append(frame.text)
            self.speaking = True
        elif isinstance(frame, EndFrame):
            self.ended = True
        elif isinstance(frame, LLMSetToolsFrame):
            self.tools = frame.tools
        elif isinstance(frame, LLMUpdateSettingsFrame):
            self.system.append(frame.delta.system_instruction)
        elif isinstance(frame, LLMRunFrame):
            self.llm_runs += 1
        if isinstance(frame, self.filter):
            self._report(frame)

    def _report(self, frame) -> None:
        for handler in self.handlers.get("on_frame_reached_downstream", []):
            task = asyncio.get_running_loop().create_task(handler(self, frame))
            self.tasks.add(task)

    async def settle(self, hold=lambda: False, limit: int = 5000) -> None:
        """Run until nothing is left to do: the queue processed, every handler done, and
        the speech played (then BotStoppedSpeakingFrame is reported, which may start more)
        -- unless `hold()`: then the speech is still playing (the callee hangs up during it)."""
        quiet = 0
        for _ in range(limit):
            await asyncio.sleep(0)
            for task in [t for t in self.tasks if t.done()]:
                self.tasks.discard(task)
                if task.exception() is not None:
                    self.errors.append(task.exception())
            if self.errors:
                raise Failure(f"a handler failed: {self.errors[0]!r}")
            if self.queue.empty() and not self.busy and not self.tasks:
                if self.speaking and not self.ended and BotStoppedSpeakingFrame in self.filter and not hold():
                    self.speaking = False
                    self._report(BotStoppedSpeakingFrame())
                    quiet = 0
                    continue
                quiet += 1
                if quiet >= 3:
                    return
            else:
                quiet = 0
        raise Failure("the flow did not settle (a deadlock, or a loop without a turn)")

    async def close(self) -> None:
        self.consumer.cancel()
        for task in self.tasks:
            task.cancel()


class Speaker(FrameProcessor):
    """The end of a real pipeline, in place of TTS and the output transport: records what
    reaches it and, for each `TTSSpeakFrame`, after a moment of "playback", pushes
    `BotStartedSpeakingFrame` and `BotStoppedSpeakingFrame` downstream, as the output
    transport does once the audio is played."""

    def __init__(self, harness: "RealPipeline") -> None:
        super().__init__()
        self.harness = harness

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        h = self.harness
        if direction == FrameDirection.DOWNSTREAM:
            if isinstance(frame, TTSSpeakFrame):
                h.said.append(frame.text)
                h.speech += 1
            elif isinstance(frame, LLMSetToolsFrame):
                h.tools = frame.tools
            elif isinstance(frame, LLMUpdateSettingsFrame):
                h.system.append(frame.delta.system_instruction)
            elif isinstance(frame, LLMRunFrame):
                h.llm_runs += 1
            elif isinstance(frame, EndFrame):
                h.ended = True
        await self.push_frame(frame, direction)
        if direction == FrameDirection.DOWNSTREAM and isinstance(frame, TTSSpeakFrame):
            self.create_task(self._play())

    async def _play(self) -> None:
        await asyncio.sleep(0.005)
        await self.push_frame(BotStartedSpeakingFrame())
        await asyncio.sleep(0.005)
        self.harness.speech -= 1
        if self.harness.speech == 0:
            await self.push_frame(BotStoppedSpeakingFrame())


class RealPipeline:
    """A real `PipelineWorker` running a `Pipeline` that ends in a `Speaker`, for the flow
    manager: its frames go through Pipecat's own worker, processors and sink, and its
    downstream reports are the worker's own."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.tools = None
        self.system: list[str] = []
        self.llm_runs = 0
        self.ended = False
        self.speech = 0
        self.worker = PipelineWorker(Pipeline([Speaker(self)]), cancel_on_idle_timeout=False, enable_rtvi=False)
        self.started = asyncio.Event()

        @self.worker.event_handler("on_pipeline_started")
        async def _started(worker, frame):
            self.started.set()

        self.runner = WorkerRunner()
        self.task: asyncio.Task | None = None

    async def open(self) -> None:
        await self.runner.add_workers(self.worker)
        self.task = asyncio.get_running_loop().create_task(self.runner.run())
        await asyncio.wait_for(self.started.wait(), timeout=5)

    async def settle(self, hold=lambda: False, quiet: float = 0.08, limit: float = 10.0) -> None:
        """Wait until nothing has changed for `quiet` seconds and no speech is playing."""
        if hold():
            raise Failure("a hang-up during a `continue` step is not run through the real pipeline")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        last, since = None, loop.time()
        while loop.time() < deadline:
            now = (len(self.said), self.speech, self.ended, id(self.tools))
            if now != last:
                last, since = now, loop.time()
            elif self.speech == 0 and loop.time() - since >= quiet:
                return
            await asyncio.sleep(0.01)
        raise Failure("the real pipeline did not settle")

    async def close(self) -> None:
        if not self.ended:
            await self.worker.cancel()
        if self.task is not None:
            await asyncio.wait_for(self.task, timeout=10)


class FakeAssistantAggregator:
    has_function_calls_in_progress = False


class FakeContextAggregator:
    def assistant(self):
        return FakeAssistantAggregator()


async def llm_calls(worker: FakeWorker, name: str, arguments: dict | None = None) -> dict:
    """The scripted LLM: call tool `name` of the tools Pipecat last gave the LLM, through
    the handler Pipecat built for it, as an LLM service does; then report the context
    updated, as the assistant aggregator does once the result is in the context."""
    tools = {t.name: t for t in worker.tools.standard_tools} if worker.tools else {}
    if name not in tools:
        raise Failure(f"the LLM has no tool {name!r} here (it has {sorted(tools)})")
    tool = tools[name]
    arguments = arguments or {}
    parameters = tool.to_default_dict()["parameters"]
    if not jsonschema.Draft202012Validator(parameters).is_valid(arguments):
        raise Failure(f"{name}{arguments} does not meet the tool's parameters {parameters}")
    results = []

    async def result_callback(result, *, properties=None):
        results.append((result, properties))

    params = FunctionCallParams(
        function_name=name,
        tool_call_id=f"call_{name}",
        arguments=arguments,
        llm=None,
        pipeline_worker=worker.worker,
        context=None,
        result_callback=result_callback,
    )
    await tool.handler(params)
    if not results:
        raise Failure(f"{name}: no result")
    result, properties = results[-1]
    if isinstance(result, dict) and result.get("status") == "error":
        raise Failure(f"{name}: {result.get('error')}")
    if properties is not None and properties.on_context_updated is not None:
        await properties.on_context_updated()
    return result


# --- driving the scenarios --------------------------------------------------------------


class Spec:
    """A config and its scenario sets, with the names the config gives the spec's ids."""

    def __init__(self, name: str, directory: Path, module) -> None:
        self.name = name
        self.text = (directory / f"{name}.flow.json").read_text(encoding="utf-8")
        self.config = FlowConfig.from_json(self.text)
        self.call = module.Call(self.config, transfer=self._transfer)
        self.sets = [
            json.loads((directory / f"{name}.{kind}.json").read_text(encoding="utf-8"))
            for kind in ("scenarios", "all-events")
        ]
        # The spec as the json target writes it (format 4): the texts of the role message.
        self.spec = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        meta = self.call.meta
        self.step_node = {m["step"]: n for n, m in meta.items() if m.get("kind") == "step"}
        self.end_node = {m["condition"]: n for n, m in meta.items() if m.get("kind") == "end"}
        self.transfer_node = {m["transfer"]["id"]: n for n, m in meta.items() if m.get("kind") == "transfer"}
        self.signal = self.call.call["signals"]
        self.first_speaker = self.call.call["first_speaker"]
        self._transfers: list[bool] = []
        self.transfers_to: list[str | None] = []

    async def _transfer(self, destination, transfer, flow_manager) -> bool:
        self.transfers_to.append(destination)
        if not self._transfers:
            raise Failure(f"transfer {transfer['id']!r} made where the scenario has none")
        return self._transfers.pop(0)

    def role_texts(self, values: dict[str, str]) -> list[str]:
        """The caller's texts the role message holds, as said with `values`."""

        def said(t):
            if t is None:
                return None
            if "parts" not in t:
                return t["text"]
            return "".join(p["text"] if "text" in p else values[p["var"]] for p in t["parts"])

        c, s = self.spec["caller"], self.spec
        texts = [said(c["name"]), said(c.get("org")), said(c.get("role")), said(c.get("persona")), said(c.get("task"))]
        texts += [said(k["value"]) for k in c.get("knows", [])]
        for qa in s["faq"]:
            texts += [said(q) for q in qa["questions"]] + [said(qa["answer"])]
        texts += [said(s.get("opening")), said(s["end"]["closing"])]
        texts += [said(cond.get("caller")) for cond in s["end"]["conditions"]]
        return [t for t in texts if t is not None and not blank(t)]

    def destination(self, transfer: str, values: dict[str, str]) -> str | None:
        t = next(t for t in self.spec["end"]["transfers"] if t["id"] == transfer)
        if t.get("to") is None:
            return None
        to = t["to"]
        return to["text"] if "parts" not in to else "".join(p["text"] if "text" in p else values[p["var"]] for p in to["parts"])

    def reply_arguments(self, node: str, gives: list[dict], withheld: set[str]) -> dict:
        spec = self.call.meta[node].get("functions", {}).get("reply")
        if spec is None:
            if gives:
                raise Failure(f"{node}: the step captures {gives} but `reply` takes nothing")
            return {}
        key_of = {capture: key for key, capture in spec.get("captures", {}).items()}
        arguments = {}
        for give in gives:
            if give["capture"] in withheld:
                continue
            key = key_of[give["capture"]]
            arguments[key] = sample(spec["properties"][key], True)
        return arguments

    def expected(self, doc: dict, scenario: dict) -> tuple[list[str], list[str], dict]:
        """The nodes, lines and outcome a run of the scenario must have."""
        nodes: list[str] = []
        lines: list[str] = []
        if self.first_speaker == "callee":
            nodes.append("ANSWER")
        start = scenario["start"]
        if start == "no_answer":
            return [], [], {"end": scenario["success"]["outcome"]["condition"], "by": "no_answer"}
        opening = doc["opening"]
        lead_in = start == "answered" or self.first_speaker == "caller"
        if lead_in and opening is not None:
            nodes.append("OPENING")
            if not blank(opening):
                lines.append(opening)
        if start == "voicemail" and self.first_speaker == "caller":
            # Voicemail is heard in the first reply: the steps up to the first that waits are
            # said first, as in every run where the callee answers.
            answered = next((s for s in doc["scenarios"] if s["start"] == "answered"), None)
            if answered is None:
                raise Failure("no scenario where the callee answers, to take the first steps from")
            for moment in answered["moments"]:
                if moment["kind"] != "turn":
                    break
                if moment["step"] in self.step_node:
                    nodes.append(self.step_node[moment["step"]])
                    lines.extend(s for s in moment["caller_says"] if not blank(s))
                if moment["waits"]:
                    break
        for moment in scenario["moments"]:
            if moment["kind"] == "turn":
                node = self.step_node.get(moment["step"])
                if node is None:
                    if moment["waits"] or any(not blank(s) for s in moment["caller_says"]):
                        raise Failure(f"step {moment['step']!r} has no node")
                    continue
                nodes.append(node)
                lines.extend(s for s in moment["caller_says"] if not blank(s))
            elif moment["kind"] == "transfer":
                nodes.append(self.transfer_node[moment["transfer"]])
                if not blank(moment["caller_says"]):
                    lines.append(moment["caller_says"])
        success = scenario["success"]
        outcome = success["outcome"]
        if outcome["kind"] == "transfer":
            want = {"transfer": outcome["transfer"]}
        elif success["ended_by"] == "hangup":
            want = {"end": outcome["condition"], "by": "hangup"}
        else:
            want = {"end": outcome["condition"]}
            nodes.append(self.end_node[outcome["condition"]])
            if not blank(doc["closing"]):
                lines.append(doc["closing"])
        return nodes, lines, want

    async def drive(self, doc: dict, scenario: dict, via_event: bool = False, real: bool = False) -> dict:
        """One run of a scenario (through the stand-in worker, or `real`ly through a
        `PipelineWorker`); returns what it showed (for --require-all)."""
        values = {v["id"]: v["spoken"] if v["spoken"] is not None else "{{" + v["id"] + "}}" for v in doc["vars"]}
        shown: dict[str, bool] = {}
        self._transfers = [m["succeeds"] for m in scenario["moments"] if m["kind"] == "transfer"]
        self.transfers_to = []
        if scenario["start"] == "no_answer":
            outcome = self.call.event_without_call("no_answer")
            want = self.expected(doc, scenario)[2]
            if outcome != want:
                raise Failure(f"outcome {outcome}, want {want}")
            return {"no_answer": True}
        if real:
            worker = RealPipeline()
            await worker.open()
        else:
            worker = FakeWorker()
        moments = scenario["moments"]
        # The node where the callee hangs up while a `continue` step is said, if any: its
        # speech must not end (and so the call must not go on) before the hang-up.
        hang = next(
            (self.step_node.get(m["step"]) for m in moments
             if m["kind"] == "turn" and not m["waits"] and (m["callee"] or {}).get("does") == "hangup"),
            None,
        )
        try:
            fm = FlowManager(worker=worker.worker, llm=None, context_aggregator=FakeContextAggregator())

            def hold() -> bool:
                return hang is not None and fm.current_node == hang

            await self.call.start(fm, values)
            await worker.settle(hold)
            if self.first_speaker == "callee":
                if scenario["start"] == "voicemail":
                    if via_event:
                        if not await self.call.event(fm, "voicemail"):
                            raise Failure("voicemail event led nowhere")
                        shown["voicemail_event"] = True
                    else:
                        await llm_calls(worker, "voicemail")
                        shown["voicemail"] = True
                else:
                    await llm_calls(worker, "answered")
            elif scenario["start"] == "voicemail":
                await llm_calls(worker, "voicemail")
                shown["voicemail"] = True
            await worker.settle(hold)
            for moment in moments:
                if moment["kind"] == "retries_spent":
                    shown["retry_spent"] = True
                    continue
                if moment["kind"] == "transfer":
                    shown["transfer_made" if moment["succeeds"] else "transfer_failed"] = True
                    continue
                action = moment["callee"]
                if action is None:
                    shown["continue"] = True
                    continue
                node = fm.current_node
                if node != self.step_node.get(moment["step"]):
                    raise Failure(f"at {node!r} where the scenario has step {moment['step']!r}")
                does = action["does"]
                if does == "signal":
                    await llm_calls(worker, self.signal[action["signal"]])
                elif does == "reply":
                    arguments = self.reply_arguments(node, action["gives"], set())
                    shown["capture"] = shown.get("capture", False) or bool(arguments)
                    await llm_calls(worker, "reply", arguments)
                elif does == "withhold":
                    gives = [
                        {"capture": c} for c in self.call.meta[node]["functions"]["reply"].get("captures", {}).values()
                    ]
                    await llm_calls(worker, "reply", self.reply_arguments(node, gives, set(action["captures"])))
                    shown["asked_again"] = True
                elif does == "silence":
                    if not await self.call.event(fm, "silence"):
                        raise Failure(f"silence at {node!r} led nowhere")
                    shown["silence"] = True
                elif does == "hangup":
                    if not await self.call.event(fm, "hangup"):
                        raise Failure(f"hangup at {node!r} led nowhere")
                    shown["hangup"] = True
                else:
                    raise Failure(f"unknown action {does!r}")
                await worker.settle(hold)
            state = fm.state["callc"]
            nodes, lines, want = self.expected(doc, scenario)
            if state["nodes"] != nodes:
                raise Failure(f"nodes {state['nodes']}, want {nodes}")
            if worker.said != lines:
                diff = next((i for i, (a, b) in enumerate(zip(worker.said, lines)) if a != b), min(len(lines), len(worker.said)))
                raise Failure(
                    f"line {diff}: said {worker.said[diff:diff + 1]!r}, want {lines[diff:diff + 1]!r} "
                    f"({len(worker.said)} said, {len(lines)} wanted)"
                )
            outcome = dict(state["outcome"] or {})
            outcome.pop("to", None)
            if outcome != want:
                raise Failure(f"outcome {state['outcome']}, want {want}")
            missing = set(scenario["success"]["captures"]) - set(state["captures"])
            if missing:
                raise Failure(f"captures {sorted(missing)} not made (made: {sorted(state['captures'])})")
            if worker.llm_runs:
                raise Failure(f"the LLM was run {worker.llm_runs} times on entering a node")
            if len(worker.system) != 1 or not worker.system[0]:
                raise Failure(f"the role message was sent {len(worker.system)} times")
            for text in self.role_texts(values):
                if text not in worker.system[0]:
                    raise Failure(f"the role message Pipecat sent lacks {text!r}:\n{worker.system[0]}")
            made = [m["transfer"] for m in moments if m["kind"] == "transfer"]
            want_to = [self.destination(t, values) for t in made]
            if self.transfers_to != want_to:
                raise Failure(f"transferred to {self.transfers_to}, want {want_to}")
            ends = "by" not in want
            if ends != worker.ended:
                raise Failure(f"the pipeline {'did not end' if ends else 'ended'} (outcome {want})")
            if self._transfers:
                raise Failure(f"transfers left unmade: {self._transfers}")
            return shown
        finally:
            await worker.close()

    async def drive_real(self) -> int:
        """A few scenarios again, through a real `PipelineWorker`: the first, and the first
        with each construct the others have not shown."""
        wanted: set[str] = set()
        runs = 0
        doc = self.sets[0]
        for scenario in doc["scenarios"]:
            has = features(scenario)
            if runs and not has - wanted:
                continue
            wanted |= has
            try:
                await self.drive(doc, scenario, real=True)
            except Exception as e:  # noqa: BLE001 - named with the scenario
                raise Failure(f"{self.name} {scenario['id']} through a PipelineWorker: {type(e).__name__}: {e}") from e
            runs += 1
        return runs

    async def drive_all(self) -> tuple[int, dict, set]:
        shown: dict[str, bool] = {}
        runs = 0
        ends: set = set()
        for doc in self.sets:
            for scenario in doc["scenarios"]:
                variants = [False]
                if scenario["start"] == "voicemail" and self.first_speaker == "callee":
                    variants.append(True)
                for via_event in variants:
                    try:
                        got = await self.drive(doc, scenario, via_event)
                    except Exception as e:  # noqa: BLE001 - named with the scenario
                        raise Failure(f"{self.name} {scenario['id']} ({scenario['summary']}): {type(e).__name__}: {e}") from e
                    runs += 1
                    for k, v in got.items():
                        shown[k] = shown.get(k, False) or v
                    outcome = scenario["success"]["outcome"]
                    ends.add(outcome.get("condition") if outcome["kind"] == "end" else ("transfer", outcome["transfer"]))
        return runs, shown, ends


def features(scenario: dict) -> set[str]:
    """The constructs a scenario shows."""
    out = {scenario["start"]}
    for m in scenario["moments"]:
        if m["kind"] == "turn":
            out.add("continue" if m["callee"] is None else m["callee"]["does"])
            if m["callee"] and m["callee"]["does"] == "reply" and m["callee"]["gives"]:
                out.add("capture")
        elif m["kind"] == "transfer":
            out.add("transfer_made" if m["succeeds"] else "transfer_failed")
        else:
            out.add(m["kind"])
    return out


# --- the mutation self-test --------------------------------------------------------------


def functions(doc: dict, *, transition_only: bool | None = None):
    for node in doc["nodes"].values():
        for f in node.get("functions", []):
            if transition_only is None or bool(f.get("transition_only")) == transition_only:
                yield node, f


def callc_action(doc: dict, pred) -> dict:
    for node in doc["nodes"].values():
        for a in node["pre_actions"]:
            if a["type"] == "callc" and pred(a):
                return a
    raise StopIteration  # this output has none: the mutant is not made


def mutants(doc: dict):
    """(what, the mutated document or None when this output has nothing to break that
    way, the loaders that must reject it). The others must accept it."""

    def m(fn):
        d = copy.deepcopy(doc)
        try:
            fn(d)
        except StopIteration:
            return None
        return d

    def some_tts(d):
        return next(a for n in d["nodes"].values() for a in n["pre_actions"] if a["type"] == "tts_say")

    yield "unknown top-level key", m(lambda d: d.__setitem__("version", 1)), {"pydantic", "schema"}
    yield "unknown node key", m(lambda d: next(iter(d["nodes"].values())).__setitem__("prompt", "x")), {"pydantic", "schema"}
    yield "unknown function key", m(lambda d: next(functions(d))[1].__setitem__("parameters", {})), {"pydantic", "schema"}
    yield "unknown message key", m(lambda d: next(iter(d["nodes"].values()))["task_messages"][0].__setitem__("name", "x")), {"pydantic", "schema"}
    yield (
        "transition_to a missing node",
        m(lambda d: next(functions(d, transition_only=True))[1].__setitem__("transition_to", "NOWHERE")),
        {"pydantic"},
    )
    yield (
        "a branch case to a missing node",
        m(lambda d: next(functions(d, transition_only=False))[1]["transition_to"]["cases"].update({"x": "NOWHERE"})),
        {"pydantic"},
    )
    yield "initial node missing", m(lambda d: d.__setitem__("initial_node", "NOWHERE")), {"pydantic"}
    yield "no nodes", m(lambda d: d.__setitem__("nodes", {})), {"pydantic", "schema"}

    def shadow(d):
        _, f = next(functions(d, transition_only=True))
        d["global_functions"] = [copy.deepcopy(f)]

    yield "a node function shadowing a global one", m(shadow), {"pydantic"}

    def duplicate(d):
        node, f = next(functions(d, transition_only=True))
        node["functions"].append(copy.deepcopy(f))

    yield "two functions of one name in a node", m(duplicate), {"pydantic"}
    yield "wrong type: respond_immediately", m(lambda d: next(iter(d["nodes"].values())).__setitem__("respond_immediately", "maybe")), {"pydantic", "schema"}
    yield "wrong type: task_messages", m(lambda d: next(iter(d["nodes"].values())).__setitem__("task_messages", "say hi")), {"pydantic", "schema"}
    yield "wrong type: transition_to", m(lambda d: next(functions(d))[1].__setitem__("transition_to", 3)), {"pydantic", "schema"}
    yield "transition_only without a description", m(lambda d: next(functions(d, transition_only=True))[1].pop("description")), {"pydantic", "schema"}

    def described_direct(d):
        _, f = next(functions(d, transition_only=True))
        f["transition_only"] = False

    yield "a direct function with a description", m(described_direct), {"pydantic", "schema"}
    # The schema has no rule for an action's handler: only pydantic refuses it on tts_say.
    yield "tts_say with a handler", m(lambda d: some_tts(d).__setitem__("handler", "x")), {"pydantic"}
    yield "a missing action handler", m(lambda d: callc_action(d, lambda a: True).__setitem__("handler", "callc_nowhere")), {"flow"}
    # FlowConfig passes an action's extra keys through unread: callc_flows checks its data.
    yield "callc data: retry to a missing node", m(lambda d: callc_action(d, lambda a: "retry" in a)["retry"].__setitem__("then", "NOWHERE")), {"callc"}
    yield "callc data: silence to a missing node", m(lambda d: callc_action(d, lambda a: "silence" in a.get("on", {}))["on"].__setitem__("silence", "NOWHERE")), {"callc"}
    yield "callc data: a fallback to a missing node", m(lambda d: callc_action(d, lambda a: "transfer" in a)["transfer"].__setitem__("fallback", "NOWHERE")), {"callc"}
    yield "callc data: a function's next to a missing node", m(lambda d: next(iter(callc_action(d, lambda a: "functions" in a)["functions"].values())).__setitem__("next", "NOWHERE")), {"callc"}
    yield "callc data: the wrong node", m(lambda d: callc_action(d, lambda a: a["kind"] == "step").__setitem__("node", "NOWHERE")), {"callc"}


def drive_mutants(doc: dict):
    """Valid configs that say or go somewhere else: the runs must notice."""

    def changed_line(d):
        for n in d["nodes"].values():
            for a in n["pre_actions"]:
                if a["type"] == "tts_say":
                    a["text"] += "!"
                    return

    def changed_transition(d):
        names = list(d["nodes"])
        for n in d["nodes"].values():
            for f in n.get("functions", []):
                if f.get("transition_only") and f["name"] == "reply":
                    f["transition_to"] = next(x for x in names if x != f["transition_to"] and x.startswith("END"))
                    return

    for what, fn in (("a changed line", changed_line), ("a changed transition", changed_transition)):
        d = copy.deepcopy(doc)
        fn(d)
        yield what, d


async def self_test(specs: dict[str, Spec], module, directory: Path) -> int:
    n = 0
    made: dict[str, int] = {}
    for name in specs:
        doc = json.loads(specs[name].text)
        for what, mutant, rejecters in mutants(doc):
            made.setdefault(what, 0)
            if mutant is None:
                continue
            made[what] += 1
            said = loaders(json.dumps(mutant, ensure_ascii=False), module)
            if not rejecters <= set(said) | {"flow"} or not (rejecters & {k for k, v in said.items() if v}):
                raise Failure(f"mutant of {name} ({what}): {rejecters} should reject it; loaders said {said}")
            for loader, why in said.items():
                if (why is not None) != (loader in rejecters):
                    raise Failure(
                        f"mutant of {name} ({what}): {loader} "
                        + (f"rejects it ({why})" if why else "accepts it")
                        + f"; expected it to {'reject' if loader in rejecters else 'accept'}"
                    )
            n += 1
        # Pipecat's Flow itself checks that every handler the config names exists.
        try:
            Flow(FlowConfig.from_json(specs[name].text), handlers={})
        except FlowReferenceError:
            n += 1
        else:
            raise Failure(f"{name}: Flow accepted a config whose handlers are missing")
    never = [what for what, count in made.items() if not count]
    if never:
        raise Failure(f"no output could be broken this way: {never}")
    reference = next(iter(specs.values()))
    for what, mutant in drive_mutants(json.loads(reference.text)):
        path = directory / f"mutant.{reference.name}.flow.json"
        path.write_text(json.dumps(mutant, ensure_ascii=False), encoding="utf-8")
        for kind in (".scenarios", ".all-events", ""):
            (directory / f"mutant.{reference.name}{kind}.json").write_text(
                (directory / f"{reference.name}{kind}.json").read_text(encoding="utf-8"), encoding="utf-8"
            )
        broken = Spec(f"mutant.{reference.name}", directory, module)
        try:
            await broken.drive_all()
        except Failure:
            n += 1
            continue
        raise Failure(f"the runs of {reference.name} passed with {what}")
    return n


# --- main --------------------------------------------------------------------------------

# The specs a few scenarios of which also run through a real PipelineWorker (a second
# or so each): between them the reference spec, a caller-first call, `continue`,
# captures, retries, silence, voicemail, transfers and literal placeholders.
REAL_PIPELINE = ("taishan_renewal", "zh_renewal_followup", "listen_corners", "placeholders")

REQUIRED = ("capture", "asked_again", "retry_spent", "transfer_made", "transfer_failed", "silence",
            "voicemail", "voicemail_event", "hangup", "no_answer", "continue")


async def main(argv: list[str]) -> int:
    require_all = "--require-all" in argv
    argv = [a for a in argv if a != "--require-all"]
    reference = "taishan_renewal"
    if "--reference" in argv:
        i = argv.index("--reference")
        reference = argv[i + 1]
        del argv[i : i + 2]
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    module = load_module(Path(argv[0]))
    directory = Path(argv[1])
    names = sorted(p.name[: -len(".flow.json")] for p in directory.glob("*.flow.json") if not p.name.startswith("mutant."))
    if reference not in names:
        print(f"no {reference}.flow.json in {directory}", file=sys.stderr)
        return 2
    names.remove(reference)
    names.insert(0, reference)
    failed = 0
    specs: dict[str, Spec] = {}
    shown: dict[str, bool] = {}
    for name in names:
        started = time.monotonic()
        try:
            said = loaders((directory / f"{name}.flow.json").read_text(encoding="utf-8"), module)
            bad = {k: v for k, v in said.items() if v is not None}
            if bad:
                raise Failure(f"rejected: {bad}")
            spec = Spec(name, directory, module)
            captures = check_captures(spec.call, module)
            runs, got, ends = await spec.drive_all()
            real = await spec.drive_real() if name in REAL_PIPELINE else 0
            for k, v in got.items():
                shown[k] = shown.get(k, False) or v
            if name == reference:
                conditions = {m["condition"] for m in spec.call.meta.values() if m.get("kind") == "end" and m["condition"]}
                if not conditions <= ends:
                    raise Failure(f"the reference spec's runs never end at {sorted(conditions - ends)}")
            specs[name] = spec
            print(
                f"ok   {name}: FlowConfig, JSON Schema, Flow; {captures} capture schemas; "
                f"{runs} runs driven, {real} through a PipelineWorker ({time.monotonic() - started:.1f}s)"
            )
        except Failure as e:
            failed += 1
            print(f"FAIL {name}: {e}", file=sys.stderr)
    if failed:
        return 1
    started = time.monotonic()
    try:
        n = await self_test(specs, module, directory)
    except Failure as e:
        print(f"FAIL mutation self-test: {e}", file=sys.stderr)
        return 1
    print(f"ok   mutation self-test: {n} broken configs rejected ({time.monotonic() - started:.1f}s)")
    if require_all:
        missing = [k for k in REQUIRED if not shown.get(k)]
        if missing:
            print(f"FAIL --require-all: no run showed {missing}", file=sys.stderr)
            return 1
        print(f"ok   every construct shown: {', '.join(REQUIRED)}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
