"""callc_flows: runs a Pipecat Flows config written by `callc build --target pipecat`.

The config (`ID.flow.json`) is a plain `pipecat.flows.FlowConfig`. What the
format has no field for -- the typed parameters of a step's captures, the
visits a `retry` counts, where `silence`, `hangup`, `voicemail` and
`no_answer` lead, how a transfer is made -- callc writes as the data of a
custom action `callc`, first in every node's `pre_actions`; this module reads
it. It is the same for every call (standard library and pipecat-ai only):

    from pipecat.flows import FlowConfig, FlowManager
    from callc_flows import Call

    call = Call(FlowConfig.from_file("taishan_renewal.flow.json"), transfer=transfer)
    flow_manager = FlowManager(worker=worker, llm=llm, context_aggregator=context_aggregator,
                               global_functions=call.flow.global_functions)
    await call.start(flow_manager, {"customer_name": "张强", "discount": "8%"})

and, from the pipeline's events (docs/targets/pipecat.md in callc):

    await call.event(flow_manager, "silence")    # on_user_turn_idle (user_idle_timeout=call.silence_timeout)
    await call.event(flow_manager, "hangup")     # the transport's on_client_disconnected
    await call.event(flow_manager, "voicemail")  # VoicemailDetector's on_voicemail_detected
    call.event_without_call("no_answer")          # the dialer: the call never connected

`transfer(destination, transfer, flow_manager) -> bool` hands the call over
(a SIP REFER, a Twilio <Dial>, ...): True ends the bot's part of the call,
False goes on at the transfer's fallback.

What happened is in `flow_manager.state["callc"]`: `nodes` (entered, in
order), `visits` (by node), `captures` (by capture id), `transfer` and
`outcome` (`{"end": ID}`, `{"end": ID, "by": "hangup"}`,
`{"transfer": ID, "to": DESTINATION}`).

Written for pipecat-ai 1.14.0 (the version callc checks its output with).
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from loguru import logger
from pipecat.flows import TRANSITION_IN_YAML, Flow, FlowConfig, FlowManager
from pipecat.frames.frames import EndFrame

#: The version of the `callc` actions' data this module reads.
FORMAT = 1

#: The state key this module keeps its own state under (no variable takes it).
STATE = "callc"

#: Pipecat's own placeholder pattern (`pipecat.flows.manager._PLACEHOLDER` in
#: 1.14.0), to fill a transfer's destination as Pipecat fills a text.
_PLACEHOLDER = re.compile(r"(\\?)\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")

#: The events `Call.event` takes: at the start of the call, and at a step.
START_EVENTS = ("voicemail", "no_answer")
STEP_EVENTS = ("silence", "hangup")
#: The events after which nobody listens: the outcome is recorded, no node is entered.
UNHEARD = ("hangup", "no_answer")

Transfer = Callable[[str | None, Mapping[str, Any], FlowManager], Awaitable[bool]]


class CallcError(Exception):
    """The config is not one this module runs (its `callc` data is missing or broken)."""


def _meta(node: FlowConfig.Node) -> dict[str, Any]:
    """The data of a node's `callc` action (the first pre-action)."""
    for action in node.pre_actions:
        if action.type == "callc":
            return action.extras()
    return {}


class Call:
    """A callc flow config joined to this module's handlers: the Pipecat `Flow` to run."""

    def __init__(
        self,
        config: FlowConfig,
        *,
        transfer: Transfer | None = None,
        handlers: Mapping[str, Callable] | None = None,
    ):
        """Join the config to its handlers (and any of the application's own).

        Raises:
            CallcError: if the `callc` data is missing, of another format, or names
                a node or function that is not in the config.
            pipecat.flows.FlowReferenceError: if Pipecat finds a reference it cannot resolve.
        """
        self.config = config
        self._transfer = transfer
        self.meta = {name: _meta(node) for name, node in config.nodes.items()}
        self.call = self.meta.get(config.initial_node, {}).get("call")
        if not isinstance(self.call, Mapping) or self.call.get("format") != FORMAT:
            raise CallcError(
                f"initial node {config.initial_node!r} has no callc call data of format {FORMAT}: "
                "not a config written by `callc build --target pipecat`, or written for another callc_flows"
            )
        self._check()
        own: dict[str, Callable] = {
            "callc": self._on_enter,
            "callc_continue": self._on_continue,
            "callc_transfer": self._on_transfer,
        }
        for meta in self.meta.values():
            for name in meta.get("functions", {}):
                own.setdefault(name, self._direct(name))
        self.flow = Flow(config, handlers=[own, handlers] if handlers else own)
        # A direct function's schema comes from its Python signature, which has no
        # enum, bounds or pattern: each node's copy gets the exact one callc wrote.
        for name in config.nodes:
            functions = self.meta[name].get("functions", {})
            for schema in self.flow.node(name).get("functions", []):
                spec = functions.get(schema.name)
                if spec is not None:
                    schema.description = spec["description"]
                    schema.properties = {k: dict(v) for k, v in spec["properties"].items()}
                    # Nothing is required of the LLM: a reply without a needed value still
                    # calls the function, which asks the step again.
                    schema.required = []

    @property
    def silence_timeout(self) -> float:
        """Seconds of silence before `silence`: the user aggregator's `user_idle_timeout`."""
        return float(self.call["silence_timeout"])

    # --- the call ----------------------------------------------------------------

    def values(self, given: Mapping[str, Any]) -> dict[str, str]:
        """The state the config's `{{ name }}` placeholders read: each variable's value as
        it is said, by the variable's id or name; an optional one left out is empty, one
        with a default says the default.

        Raises:
            CallcError: a required variable is missing.
        """
        out: dict[str, str] = {}
        missing = []
        for var in self.call["vars"]:
            value = given.get(var["id"], given.get(var["name"]))
            if value is None:
                if var["need"] == "required":
                    missing.append(var["id"])
                    continue
                value = var["default"] if var["default"] is not None else ""
            out[var["name"]] = str(value)
        if missing:
            raise CallcError(f"no value for the required variables {missing}")
        return out

    async def start(self, flow_manager: FlowManager, values: Mapping[str, Any] | None = None) -> None:
        """Fill the variables into the state and initialize the flow at its initial node."""
        flow_manager.state.update(self.values(values or {}))
        self._state(flow_manager)
        await flow_manager.initialize(self.flow.initial_node)

    async def event(self, flow_manager: FlowManager, event: str) -> bool:
        """Take a telephony event where the current node (or, for `voicemail`, the call)
        routes it. `hangup` records the outcome and enters no node (nobody listens).
        Returns False when the event leads nowhere here (a step without a `silence`
        branch: the application may prompt the callee its own way)."""
        if event in START_EVENTS:
            target = self.call["start"].get(event)
        elif event in STEP_EVENTS:
            target = self.meta.get(flow_manager.current_node or "", {}).get("on", {}).get(event)
        else:
            raise CallcError(f"unknown event {event!r}: one of {START_EVENTS + STEP_EVENTS}")
        if target is None:
            return False
        state = self._state(flow_manager)
        state["events"].append(event)
        if event in UNHEARD:
            state["outcome"] = {"end": self.meta[target].get("condition"), "by": event}
            return True
        await self.go(flow_manager, target)
        return True

    def event_without_call(self, event: str) -> dict[str, Any] | None:
        """The outcome of `no_answer` (the call never connected, so there is no flow
        manager): `{"end": ID, "by": "no_answer"}`, or None without such a branch."""
        target = self.call["start"].get(event)
        if target is None:
            return None
        return {"end": self.meta[target].get("condition"), "by": event}

    async def go(self, flow_manager: FlowManager, node: str) -> None:
        """Move the call to `node` (or where its spent retries send it)."""
        resolved = self.resolve(self._state(flow_manager), node)
        await flow_manager.set_node_from_config(self.flow.node(resolved))

    def resolve(self, state: Mapping[str, Any], node: str) -> str:
        """Where a transition to `node` goes: a step that has run as often as its
        `retry` allows sends the call to the retry's target instead (and so on)."""
        seen = set()
        while node not in seen:
            retry = self.meta[node].get("retry")
            if not retry or state["visits"].get(node, 0) < retry["runs"]:
                return node
            seen.add(node)
            state["retries_spent"].append(node)
            node = retry["then"]
        return node

    async def follow(self, flow_manager: FlowManager, function: str) -> None:
        """Call a function of the current node as the LLM would, and make its transition."""
        node = flow_manager.current_node
        for schema in self.flow.node(node).get("functions", []):
            if schema.name == function:
                _, next_node = await schema.handler({}, flow_manager)
                if next_node:
                    await flow_manager.set_node_from_config(next_node)
                return
        raise CallcError(f"node {node!r} has no function {function!r}")

    def fill(self, flow_manager: FlowManager, text: str) -> str:
        """A text with its `{{ key }}` placeholders filled from the state, as Pipecat fills one."""

        def value(match: re.Match) -> str:
            if match.group(1):
                return match.group(0)[1:]
            current: Any = flow_manager.state
            for part in match.group(2).split("."):
                if not isinstance(current, Mapping) or part not in current:
                    raise CallcError(f"'{{{{ {match.group(2)} }}}}' is not in state")
                current = current[part]
            return str(current)

        return _PLACEHOLDER.sub(value, text)

    # --- the handlers the config names ---------------------------------------------

    def _state(self, flow_manager: FlowManager) -> dict[str, Any]:
        return flow_manager.state.setdefault(
            STATE,
            {"nodes": [], "visits": {}, "captures": {}, "events": [], "retries_spent": [], "transfer": None, "outcome": None},
        )

    async def _on_enter(self, action: dict, flow_manager: FlowManager) -> None:
        """`callc`, first on entering every node: count the visit, record an end."""
        state = self._state(flow_manager)
        node = action["node"]
        state["nodes"].append(node)
        state["visits"][node] = state["visits"].get(node, 0) + 1
        if action.get("kind") == "end" and state["outcome"] is None:
            state["outcome"] = {"end": action.get("condition")}

    async def _on_continue(self, action: dict, flow_manager: FlowManager) -> None:
        """`callc_continue`, once a `continue` step (or the opening) has been said: go on."""
        await self.follow(flow_manager, "next")

    async def _on_transfer(self, action: dict, flow_manager: FlowManager) -> None:
        """`callc_transfer`, once a transfer's line has been said: hand the call over, or
        go on at the fallback when that fails."""
        transfer = self.meta[flow_manager.current_node]["transfer"]
        destination = self.fill(flow_manager, transfer["to"]) if transfer["to"] is not None else None
        if self._transfer is None:
            logger.warning(f"callc_flows: no transfer function: transfer {transfer['id']!r} fails")
            done = False
        else:
            done = bool(await self._transfer(destination, transfer, flow_manager))
        state = self._state(flow_manager)
        state["transfer"] = {"id": transfer["id"], "to": destination, "succeeded": done}
        if done:
            state["outcome"] = {"transfer": transfer["id"], "to": destination}
            await flow_manager.worker.queue_frame(EndFrame())
        else:
            await self.go(flow_manager, transfer["fallback"])

    def _direct(self, name: str) -> Callable:
        """The direct function `name` (the same callable at every node that has one; the
        node's data says what it takes and where it leads)."""

        async def function(flow_manager: FlowManager, **arguments: Any):
            spec = self.meta[flow_manager.current_node]["functions"][name]
            state = self._state(flow_manager)
            target = spec["next"]
            result: dict[str, Any] = {}
            missing, invalid = [], []
            for key, capture in spec.get("captures", {}).items():
                value = arguments.get(key)
                if value is not None and not valid(spec["properties"][key], value):
                    invalid.append(key)
                    value = None
                if value is None:
                    if key in spec.get("needed", ()):
                        missing.append(key)
                    continue
                state["captures"][capture] = value
            if invalid:
                result["invalid"] = invalid
            if missing:
                result["missing"] = missing
                target = spec["again"]
            result["next"] = self.resolve(state, target)
            return result, TRANSITION_IN_YAML

        function.__name__ = name
        function.__doc__ = "A function of a callc flow (its description is the node's)."
        return function

    def _check(self) -> None:
        """Every node and function the `callc` data names exists (Pipecat checks the
        config's own references, not these)."""
        nodes = set(self.config.nodes)
        problems = []

        def node_ref(where: str, name: Any) -> None:
            if name not in nodes:
                problems.append(f"{where} names node {name!r}, which is not in the config")

        for event, target in self.call.get("start", {}).items():
            node_ref(f"call start {event}", target)
        for name, node in self.config.nodes.items():
            meta = self.meta[name]
            if not meta:
                problems.append(f"node {name!r} has no callc action")
                continue
            if meta.get("node") != name:
                problems.append(f"node {name!r} says it is {meta.get('node')!r}")
            for event, target in meta.get("on", {}).items():
                node_ref(f"node {name!r} on {event}", target)
            if "retry" in meta:
                node_ref(f"node {name!r} retry", meta["retry"]["then"])
            if "transfer" in meta:
                node_ref(f"node {name!r} transfer fallback", meta["transfer"]["fallback"])
            declared = {f.name: f for f in node.functions}
            for fname, spec in meta.get("functions", {}).items():
                function = declared.get(fname)
                if function is None or function.transition_only:
                    problems.append(f"node {name!r} has data for {fname!r}, which is not one of its direct functions")
                    continue
                for key in ("next", "again"):
                    if key in spec:
                        node_ref(f"node {name!r} function {fname!r} {key}", spec[key])
            for function in node.functions:
                if not function.transition_only and function.name not in meta.get("functions", {}):
                    problems.append(f"node {name!r} function {function.name!r} has no callc data")
        if problems:
            raise CallcError("; ".join(problems))


def valid(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether a value meets the JSON Schema callc writes for a capture (`type`,
    `enum`, `minimum`, `maximum`, `pattern`; `format` is a note)."""
    kind = schema.get("type")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "integer":
        ok = number and (isinstance(value, int) or (math.isfinite(value) and float(value).is_integer()))
    elif kind == "number":
        ok = number and math.isfinite(value)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    else:
        ok = False
    if not ok:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "minimum" in schema and value < schema["minimum"]:
        return False
    if "maximum" in schema and value > schema["maximum"]:
        return False
    if "pattern" in schema:
        # JSON Schema's `$` is the end of the text; Python's also matches before a final line break.
        pattern = schema["pattern"]
        if pattern.endswith("$"):
            pattern = pattern[:-1] + r"\Z"
        if re.search(pattern, value) is None:
            return False
    return True


__all__ = ["Call", "CallcError", "FORMAT", "STATE", "valid"]
