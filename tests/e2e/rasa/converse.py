#!/usr/bin/env python3
"""Run a Rasa project written by `callc build --target rasa` and check it behaves as the spec says.

Usage: converse.py [--require-all] PROJECT_DIR SPEC_JSON [PROJECT_DIR SPEC_JSON ...]

SPEC_JSON is `callc build SPEC --target json` of the same spec (format_version 4).
For each project this trains a model with Rasa's Python API (no licence needed; no
LLM is called: every message below is a payload Rasa handles without one), loads
it, and holds conversations chosen on a model of the spec's call (built here from
the JSON alone, by the rules of docs/language.md and docs/targets/rasa.md):

- the model explores the call from its start: at `ANSWER` (a callee-first call)
  the callee's first words and `voicemail`; at every step that waits, every
  signal and event with a branch there, `no_signal`, a signal with no branch
  there, silence (`/silence_timeout`), an FAQ question, and, for a step with
  captures, replies giving every capture, the required ones only, none, one
  value that is not valid, or a number that is not whole;
- every different (place, reply) the model meets, every end condition, every
  transfer, every retry running out and every capture filled, emptied or
  rejected is one conversation: the shortest series of replies that gets
  there, then that reply (conversations share their beginnings: they run as
  a tree, a tracker copied where two go different ways, so each reply is
  sent once);
- in every conversation, what the assistant says after each message must be
  exactly the lines the model says (one step that waits per reply, after the
  `continue` steps before it), the `silence_timeout` slot must be the spec's
  while a step waits, and at the end `end_condition`, the hang-up, the
  captured values and `transfer_to` must be the spec's.

A project with per-call variables (`actions/vars.json`) is loaded with its
`actions` package run in Rasa's process (`actions_module`), and every
conversation starts with `/session_start` carrying each variable's example
(else its default) in the message metadata, as a channel passes a call's
values: each text of the spec is then expected with the values said as the
project's `actions/callc_vars.py` says them (tests/target_rasa.rs checks that
it says them as callc does), and the `var_`/`said_` slots must hold them.
Two more sessions start with no value for the optional variables, and with
no metadata at all: nothing said may hold `None` or a placeholder.

Texts are compared exactly, so this also proves that Rasa's YAML reader and
response templating give back every string of the spec. Slot values of
`callee_signal` are the spec's signals in order, then `voicemail` and `silence`
when the call branches on them, then `no_signal`; values of `end_condition`
are the end conditions in order; the `cap_<capture>` slots are in the order of
the captures (of the steps the flow runs). `hangup` and `no_answer` are the
dialer's (docs/targets/rasa.md): an end condition only they lead to is
listed, not conversed. With --require-all, the run fails unless, across all
projects, an FAQ was answered mid-call, a retry ran out, a capture was filled
and one re-asked, a transfer was made, voicemail was heard at the start and
silence taken.

Exit status: 0 all as specified, 1 a difference, 2 usage.
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
from dataclasses import dataclass, field, replace
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# The command generator is configured (it is what the project runs with) but never called here.
os.environ.setdefault("OPENAI_API_KEY", "not-used-by-this-test")

FORMAT_VERSION = 4
# Events Rasa hears (values of callee_signal); hangup and no_answer are the dialer's.
HEARD_EVENTS = ("voicemail", "silence")
# The model stops exploring after this many states (the specs here have a few hundred).
MAX_STATES = 20_000


class SpecError(Exception):
    """The JSON is not what this script reads."""


class Exact(str):
    """A text with the values of its variables in it: a Jinja response, said exactly
    (no word joiner after a `{`: see `rasa_says`)."""


def load_vars(project: Path):
    """The project's `actions/callc_vars.py`, loaded under a name of its own (each project
    has its own), or None for a project without variables."""
    import importlib.util

    path = project / "actions" / "callc_vars.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"callc_vars_{abs(hash(str(project)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_metadata(module, optional: bool = True) -> dict:
    """Each variable's example (else its default), as a channel passes a call's values;
    without the optional ones if `optional` is false."""
    return {
        v["id"]: v["example"] if v.get("example") is not None else v["default"]
        for v in module.SPEC["vars"]
        if (v.get("example") is not None or v.get("default") is not None) and (optional or v["need"] != "optional")
    }


def said_text(text: dict | None, said: dict[str, str]):
    """A text of the JSON target (format 4) as the call says it: its `text`, or with
    `parts`, each literal as it is and each per-call variable as the call's value is said
    (`said`, by the variable's id: what the project's `said_` slot holds). A text naming
    a variable is `Exact` (a Jinja response, said byte for byte)."""
    if text is None:
        return None
    if "parts" not in text:
        return text["text"]
    out = "".join(p["text"] if "text" in p else said[p["var"]] for p in text["parts"])
    return Exact(out) if any("var" in p for p in text["parts"]) else out


@dataclass(frozen=True)
class State:
    """Where the call is between two replies (waiting at `ANSWER`, at a step, at the
    `collect` of a capture whose value Rasa rejected, or ended), how often each retried
    step ran, and what each capture slot holds: (value, quality) as given."""

    at: tuple
    visits: tuple = ()
    slots: tuple = ()

    def visit_count(self, step: str) -> int:
        return dict(self.visits).get(step, 0)

    def with_visit(self, step: str) -> State:
        v = dict(self.visits)
        v[step] = v.get(step, 0) + 1
        return replace(self, visits=tuple(sorted(v.items())))

    def slot(self, capture: str) -> tuple[str, str] | None:
        return dict(self.slots).get(capture)

    def with_slot(self, capture: str, value: tuple[str, str] | None) -> State:
        c = dict(self.slots)
        if value is None:
            c.pop(capture, None)
        else:
            c[capture] = value
        return replace(self, slots=tuple(sorted(c.items())))


@dataclass
class Outcome:
    """What one reply does: what the assistant says, where the call then is, and what happened."""

    said: list[str] = field(default_factory=list)
    state: State | None = None
    events: list[tuple] = field(default_factory=list)


def key_of(on: dict) -> tuple:
    if "signal" in on:
        return ("signal", on["signal"])
    if "event" in on:
        return ("event", on["event"])
    raise SpecError(f"a branch is taken on {on!r}: neither a signal nor an event")


class Spec:
    """The call as the JSON target (format 4) gives it, with the Rasa slot values of its ids."""

    def __init__(self, data: dict, domain: dict, variables=None, metadata: dict | None = None) -> None:
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise SpecError(f"format_version is {version!r}; this script reads {FORMAT_VERSION}")
        # What is said, as strings (format 4 marks the variables of each text), with
        # the values of this call's variables: as the project's own reader says them
        # (`actions/callc_vars.py`, tests/target_rasa.rs checks it says them as callc).
        self.var_slots, self.var_problems, said = {}, [], {}
        if variables is not None:
            self.var_slots, self.var_problems = variables.read(metadata or {})
            said = {v["id"]: self.var_slots[v["said"]] for v in variables.SPEC["vars"]}
        elif data.get("vars"):
            raise SpecError("the spec has per-call variables but the project has no actions/callc_vars.py")
        for step in data["flow"]["steps"]:
            step["say"] = [said_text(t, said) for t in step["say"]]
        for transfer in data["end"]["transfers"]:
            transfer["say"] = said_text(transfer["say"], said)
            to = said_text(transfer.get("to"), said)
            transfer["to"] = None if to is None else str(to)
        for qa in data["faq"]:
            qa["answer"] = said_text(qa["answer"], said)
        data["opening"] = said_text(data.get("opening"), said)
        data["end"]["closing"] = said_text(data["end"]["closing"], said)
        self.data = data
        flow = data["flow"]
        self.order = [s["id"] for s in flow["steps"]]
        self.steps = {s["id"]: s for s in flow["steps"]}
        self.first = flow["start"]
        self.first_speaker = data["first_speaker"]
        self.silence_timeout = data["silence_timeout"]
        self.opening = data.get("opening")
        self.closing = data["end"]["closing"]
        self.transfers = {t["id"]: t for t in data["end"]["transfers"]}
        self.faq = data["faq"]
        start = flow.get("start_branches")
        if start is None:  # the start branches kept among the global ones
            start = [b for b in flow["global_branches"] if key_of(b["on"]) in {("event", "voicemail"), ("event", "no_answer")}]
        self.start_branches = {key_of(b["on"]): b["target"] for b in start}
        self.global_branches = [b for b in flow["global_branches"] if b not in start]
        slots = domain.get("slots") or {}
        signals = [s["id"] for s in data["signals"]]
        values = list((slots.get("callee_signal") or {}).get("values") or [])
        self.value_of_signal = dict(zip(signals, values))
        self.no_signal = "no_signal"
        if values and (len(values) < len(signals) + 1 or values[-1] != self.no_signal):
            raise SpecError(f"callee_signal values {values} are not the signals, the events heard, then no_signal")
        self.events_heard = set(values[len(signals):-1]) if values else set()
        ends = [c["id"] for c in data["end"]["conditions"]]
        self.value_of_end = dict(zip(ends, (slots.get("end_condition") or {}).get("values") or []))
        self.captures = {}
        for s in flow["steps"]:
            for c in s.get("captures") or []:
                self.captures[c["id"]] = dict(c, step=s["id"])
        # Where a capture is kept: `cap_*` slots, in the order of the captures the flow runs.
        self.cap_slots = [name for name in slots if name.startswith("cap_")]
        self.silence_heard = "silence" in self.events_heard

    # --- the rules of the call -------------------------------------------------------
    def branches(self, step: dict) -> list[tuple[tuple, dict]]:
        """The branches Rasa hears at a step that waits: its own, then every global one
        on a signal or event its own do not name (not `hangup`, the dialer's)."""
        own = [(key_of(b["on"]), b["target"]) for b in step["branches"]]
        named = {k for k, _ in own}
        inherited = [(key_of(g["on"]), g["target"]) for g in self.global_branches]
        return [(k, t) for k, t in own + [(k, t) for k, t in inherited if k not in named] if k != ("event", "hangup")]

    def branch_on(self, step: dict, key: tuple) -> dict | None:
        return next((t for k, t in self.branches(step) if k == key), None)

    def voicemail_at(self, step_id: str) -> dict | None:
        """Where voicemail leads if the callee's reply at this place can say so."""
        target = self.start_branches.get(("event", "voicemail"))
        if target is None:
            return None
        if step_id == "ANSWER" and self.first_speaker == "callee":
            return target
        if self.first_speaker == "caller" and step_id == self.first_waiting():
            return target
        return None

    def run(self, target: dict, state: State, out: Outcome) -> Outcome:
        """Say what the call says from `target` on, up to the next step that waits or the end."""
        for _ in range(10_000):
            kind = target["kind"]
            if kind == "step":
                step = self.steps[target["step"]]
                retry = step.get("retry")
                if retry:
                    if state.visit_count(step["id"]) >= retry["max"] + 1:
                        out.events.append(("retry_spent", step["id"]))
                        target = retry["then"]
                        continue
                    state = state.with_visit(step["id"])
                out.said.extend(step["say"])
                if step["waits"]:
                    if not step["say"]:
                        out.said.append("")  # a step with nothing to say waits with an empty response
                    out.state = replace(state, at=("step", step["id"]))
                    return out
                target = step["next"]
            elif kind == "end":
                out.said.append(self.closing)
                out.events.append(("end", target.get("condition")))
                out.state = replace(state, at=("end", target.get("condition")))
                return out
            elif kind == "transfer":
                transfer = self.transfers[target["transfer"]]
                out.said.append(transfer["say"])
                out.events.append(("transfer", transfer["id"]))
                # The project's own handoff has no transfer: it comes back to the fallback.
                target = transfer["fallback"]
            else:
                raise SpecError(f"target kind {kind!r}")
        raise LoopWithoutWait(str(target))

    def first_waiting(self) -> str | None:
        """The first step that waits, from the first step through `continue` steps."""
        seen, at = set(), self.first
        while at is not None and at not in seen:
            seen.add(at)
            if self.steps[at]["waits"]:
                return at
            nxt = self.steps[at]["next"]
            at = nxt["step"] if nxt["kind"] == "step" else None
        return None

    def start(self) -> Outcome:
        if self.first_speaker == "callee":
            return Outcome(said=[""], state=State(at=("answer",)))
        return self.after_answer(State(at=("answer",)))

    def after_answer(self, state: State, events: list | None = None) -> Outcome:
        out = Outcome(said=[self.opening] if self.opening is not None else [], events=events or [])
        if self.first is None:
            return self.run({"kind": "end", "condition": None}, state, out)
        return self.run({"kind": "step", "step": self.first}, state, out)

    def reply(self, state: State, reply: tuple) -> Outcome:
        """What one reply does at a waiting place. Replies: ("no_signal", captures given),
        ("signal", id), ("silence",), ("voicemail",), ("faq", entry), ("capture", value)."""
        where = state.at
        kind = reply[0]
        if where[0] == "answer":
            if kind == "voicemail":
                return self.run(self.voicemail_at("ANSWER"), state, Outcome(events=[("voicemail_at_start",)]))
            if kind == "silence":
                return self.after_answer(state, events=[("silence", "ANSWER")])
            return self.after_answer(state)
        if where[0] == "capture":
            _, step_id, capture = where
            state = state.with_slot(capture, (reply[1], "valid"))
            out = Outcome(events=[("capture_filled", capture)])
            return self.check_captures(self.steps[step_id], state, out, given=set(), after=capture)
        step = self.steps[where[1]]
        last = step["say"][-1:] or [""]
        if kind == "faq":
            return Outcome(said=[self.faq[reply[1]]["answer"]] + last, state=state, events=[("faq", step["id"])])
        if kind == "voicemail":
            return self.run(self.voicemail_at(step["id"]), state, Outcome(events=[("voicemail_at_start",)]))
        if kind == "silence":
            target = self.branch_on(step, ("event", "silence"))
            if target is None:
                # The call branches on silence elsewhere: with no branch here it asks again.
                return Outcome(said=last, state=state, events=[("silence", step["id"])])
            return self.run(target, state, Outcome(events=[("silence", step["id"])]))
        given = {}
        if kind == "signal":
            target = self.branch_on(step, ("signal", reply[1]))
            if target is not None:
                return self.run(target, state, Outcome())
        else:
            given = dict(reply[1])
        # No branch: the reply's values are in their slots; the captures are checked in order.
        for cid, value in given.items():
            state = state.with_slot(cid, value)
        return self.check_captures(step, state, Outcome(), given=set(given), after=None)

    def check_captures(self, step: dict, state: State, out: Outcome, given: set, after: str | None) -> Outcome:
        """The checks after a reply (or after capture `after`, re-asked): a missing or
        invalid required value asks the step again (through its retry), an invalid
        optional one is emptied, a number that is not whole is rejected by the capture's
        `collect`; then the successor."""
        captures = step.get("captures") or []
        if after is not None:
            captures = captures[[c["id"] for c in captures].index(after) + 1 :]
        for capture in captures:
            cid = capture["id"]
            held = state.slot(cid)
            if held is not None and held[1] == "invalid":
                state = state.with_slot(cid, None)
                out.events.append(("capture_emptied", cid))
                held = None
            if held is None:
                if capture["optional"]:
                    continue
                out.events.append(("capture_asked_again", cid))
                return self.run({"kind": "step", "step": step["id"]}, state, out)
            if held[1] == "fraction":
                # Rasa's collect rejects it (an empty response) and asks the step's last line again.
                out.events.append(("capture_rejected", cid))
                out.said.extend(["", *(step["say"][-1:] or [""])])
                out.state = replace(state.with_slot(cid, None), at=("capture", step["id"], cid))
                return out
            if cid in given:
                out.events.append(("capture_filled", cid))
        return self.run(step["next"], state, out)

    # --- the replies a place can take -----------------------------------------------
    def replies(self, state: State) -> list[tuple[tuple, tuple]]:
        """(coverage key, reply) for every reply worth trying at a waiting place."""
        where = state.at
        if where[0] == "answer":
            out = [(("answer", "no_signal"), ("no_signal", ()))]
            if self.voicemail_at("ANSWER") is not None:
                out.append((("answer", "voicemail"), ("voicemail",)))
            if self.silence_heard:
                out.append((("answer", "silence"), ("silence",)))
            return out
        if where[0] == "capture":
            capture = self.captures[where[2]]
            return [((where, "valid"), ("capture", capture_values(capture)["valid"][0]))]
        step = self.steps[where[1]]
        place = ("step", step["id"])
        out = []
        if self.voicemail_at(step["id"]) is not None:
            out.append(((place, "voicemail"), ("voicemail",)))
        branched = set()
        for key, _ in self.branches(step):
            if key[0] == "signal":
                branched.add(key[1])
                out.append(((place, key), ("signal", key[1])))
        if self.silence_heard:
            out.append(((place, "silence"), ("silence",)))
        for s in [s for s in self.value_of_signal if s not in branched][:1]:
            out.append(((place, "unrelated"), ("signal", s)))
        out.append(((place, "no_signal"), ("no_signal", ())))
        # Values only for empty slots: a new value for a filled slot is a correction in Rasa.
        empty = [c for c in step.get("captures") or [] if state.slot(c["id"]) is None]
        if empty:
            every = {c["id"]: capture_values(c)["valid"] for c in empty}
            out.append(((place, "every capture"), ("no_signal", given(every))))
            required = {c["id"]: every[c["id"]] for c in empty if not c["optional"]}
            if len(required) < len(every):
                out.append(((place, "required captures only"), ("no_signal", given(required))))
            for c in empty:
                values = capture_values(c)
                if "invalid" in values:
                    out.append(((place, "invalid", c["id"]), ("no_signal", given({**every, c["id"]: values["invalid"]}))))
                if "fraction" in values:
                    out.append(((place, "fraction", c["id"]), ("no_signal", given({c["id"]: values["fraction"]}))))
        # Every FAQ entry at the first step that waits; the first one at every other.
        entries = [q for q, intent in enumerate(self.intents) if intent]
        for q in entries if step["id"] == self.first_waiting() else entries[:1]:
            out.append(((place, "faq", q), ("faq", q)))
        return out


def given(values: dict) -> tuple:
    """Capture values given in a reply, as a hashable tuple (replies are keys of a trie)."""
    return tuple(values.items())


def capture_values(capture: dict) -> dict[str, tuple[str, str]]:
    """Values to give for a capture: a valid one, one the flow empties (not valid), and
    for a whole number within bounds one Rasa's `collect` rejects (not whole)."""
    kind = capture["type"]["kind"]
    v: dict[str, tuple[str, str]] = {}
    if kind == "text":
        v["valid"] = ("张强 😀 明天下午", "valid")
    elif kind == "email":
        v["valid"] = ("zhang.qiang@taishan.com", "valid")
        v["invalid"] = ("zhang.qiang-at-taishan", "invalid")
    elif kind == "phone":
        v["valid"] = ("+8613812345678", "valid")
        v["invalid"] = ("12345", "invalid")
    elif kind == "date":
        v["valid"] = ("2026-11-24", "valid")
        v["invalid"] = ("2026-13-45", "invalid")
    elif kind == "yes_no":
        v["valid"] = ("true", "valid")
    elif kind == "integer":
        lo, hi = capture["type"].get("min"), capture["type"].get("max")
        good = lo if lo is not None else (hi if hi is not None else 42)
        v["valid"] = (str(good), "valid")
        if hi is not None:
            v["invalid"] = (str(hi + 1), "invalid")
        elif lo is not None:
            v["invalid"] = (str(lo - 1), "invalid")
        if hi is None or good + 0.5 <= hi:
            v["fraction"] = (f"{good}.5", "fraction")
        elif lo is None or good - 0.5 >= lo:
            v["fraction"] = (f"{good - 1}.5", "fraction")
    elif kind == "one_of":
        v["valid"] = (capture["type"]["values"][0], "valid")
        v["invalid"] = ("not_a_choice", "invalid")
    else:
        raise SpecError(f"capture type {kind!r}")
    return v


def rasa_says(text: str) -> str:
    """What Rasa says for a spec text: the text itself, but for the word joiner (U+2060)
    that callc's `response_text` puts after a `{` followed by whitespace and `}` (or by a
    word joiner), since Rasa's validator rejects any response matching `{\\s*}`. A text
    with variables (a Jinja response) is said exactly."""
    if isinstance(text, Exact):
        return str(text)
    return re.sub(r"\{(?=\s*\}|\u2060)", "{\u2060", text)


class LoopWithoutWait(Exception):
    """The spec goes round steps that never wait forever (callc's E0112): no turn would end."""


def explore(spec: Spec) -> tuple[list[tuple[str, list[tuple]]], set, set]:
    """Breadth first over the model's states: one conversation (a list of replies)
    for every new (place, reply) and every new event, shortest first. Also returns
    the events seen and the states (at most MAX_STATES)."""
    start = spec.start()
    conversations: list[tuple[str, list[tuple]]] = []
    seen_keys: set = set()
    seen_events: set = set(start.events)
    seen_states = {start.state}
    queue = collections.deque([(start.state, [])])
    while queue:
        state, path = queue.popleft()
        if state.at[0] == "end":
            continue
        for key, reply in spec.replies(state):
            outcome = spec.reply(state, reply)
            new_events = [e for e in outcome.events if e not in seen_events]
            if key not in seen_keys or new_events:
                seen_keys.add(key)
                seen_events.update(outcome.events)
                what = ", ".join(map(str, new_events)) if new_events else str(key)
                conversations.append((what, path + [reply]))
            if reply[0] == "faq":
                continue
            if outcome.state not in seen_states and len(seen_states) < MAX_STATES:
                seen_states.add(outcome.state)
                queue.append((outcome.state, path + [reply]))
    return conversations, seen_events, seen_states


def message(spec: Spec, state: State, reply: tuple) -> str:
    """The payload a channel would send for a reply."""
    kind = reply[0]
    if kind == "faq":
        return f"/{spec.intents[reply[1]]}"
    if kind == "silence":
        return "/silence_timeout"
    if kind == "voicemail":
        return "/SetSlots(callee_signal=voicemail)"
    if kind == "capture":
        return f"/SetSlots({spec.slot_of_capture[state.at[2]]}={reply[1]})"
    parts = [f"callee_signal={spec.value_of_signal[reply[1]] if kind == 'signal' else spec.no_signal}"]
    for cid, (value, _) in reply[1] if kind == "no_signal" else ():
        parts.append(f"{spec.slot_of_capture[cid]}={value}")
    return "/SetSlots(" + ", ".join(parts) + ")"


async def talk(agent, sender: str, text: str, metadata: dict | None = None) -> list[str]:
    """What the assistant says in reply, as it decided to say it (the `BotUttered` events:
    output channels then format texts their own way, e.g. the REST channel strips them).
    `metadata` goes with the message, as a channel's does (the first message's is the
    session's)."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.events import BotUttered

    before = await agent.tracker_store.retrieve(sender)
    known = len(before.events) if before else 0
    await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender_id=sender, metadata=metadata))
    after = await agent.tracker_store.retrieve(sender)
    return [e.text for e in list(after.events)[known:] if isinstance(e, BotUttered)]


def action_endpoints(project: Path, variables):
    """The project's endpoints.yml as Rasa reads it: its `actions` package, run in Rasa's
    process. Each project has a package of that name: the previous one's is forgotten and
    this one's registered (Rasa registers the package once per process)."""
    if variables is None:
        return None
    import importlib

    from rasa.core.actions.direct_custom_actions_executor import DirectCustomActionExecutor
    from rasa.core.config.available_endpoints import AvailableEndpoints

    for name in [m for m in sys.modules if m == "actions" or m.startswith("actions.")]:
        del sys.modules[name]
    sys.path.insert(0, str(project))
    try:
        package = importlib.import_module("actions.session_start")
    finally:
        sys.path.remove(str(project))
    endpoints = AvailableEndpoints.read_endpoints(str(project / "endpoints.yml"))
    if endpoints.action is None or endpoints.action.actions_module != "actions":
        raise SpecError("endpoints.yml does not run the package `actions`")
    from rasa_sdk import Action

    executor = DirectCustomActionExecutor._create_action_executor()
    actions = [
        a for a in vars(package).values()
        if isinstance(a, type) and issubclass(a, Action) and a.__module__ == package.__name__
    ]
    if not actions:
        raise SpecError(f"{project}/actions/session_start.py defines no action")
    for action in actions:
        executor.register_action(action)
    DirectCustomActionExecutor._actions_module_registered = True
    return endpoints


async def check_var_slots(agent, sender: str, spec: Spec, problems: list[str], checks) -> None:
    """After the session start, each variable's slots hold its value and how it is said."""
    tracker = await agent.tracker_store.retrieve(sender)
    for slot, want in spec.var_slots.items():
        checks["variable slots"] += 1
        got = tracker.get_slot(slot)
        if got != want:
            problems.append(f"after /session_start: slot {slot} holds {got!r}, expected {want!r}")


def reached_steps(spec: Spec) -> set[str]:
    """The steps the flow runs (for the order of the `cap_*` slots)."""
    seen, todo = set(), []
    if spec.first is not None:
        todo.append({"kind": "step", "step": spec.first})
    if spec.voicemail_at("ANSWER") is not None:
        todo.append(spec.voicemail_at("ANSWER"))
    while todo:
        t = todo.pop()
        if t["kind"] == "transfer":
            todo.append(spec.transfers[t["transfer"]]["fallback"])
            continue
        if t["kind"] != "step" or t["step"] in seen:
            continue
        seen.add(t["step"])
        step = spec.steps[t["step"]]
        todo.append(step["next"])
        if step["waits"]:
            todo.extend(target for _, target in spec.branches(step))
            if spec.voicemail_at(step["id"]) is not None:
                todo.append(spec.voicemail_at(step["id"]))
        if step.get("retry"):
            todo.append(step["retry"]["then"])
    return seen


async def check_project(project: Path, spec_json: Path, totals: collections.Counter) -> list[str]:
    from rasa.core.agent import load_agent
    from rasa.core.config.configuration import Configuration
    from rasa.model_training import train
    from rasa.shared.utils.yaml import read_yaml_file

    problems: list[str] = []
    data = json.loads(spec_json.read_text(encoding="utf-8"))
    domain = read_yaml_file(project / "domain.yml")
    variables = load_vars(project)
    metadata = sample_metadata(variables) if variables is not None else None
    try:
        spec = Spec(json.loads(json.dumps(data)), domain, variables, metadata)
    except (SpecError, KeyError) as e:
        return [f"{spec_json}: {type(e).__name__}: {e}"]
    reached = reached_steps(spec)
    ordered = [c for s in spec.order if s in reached for c in (x["id"] for x in spec.steps[s].get("captures") or [])]
    if len(ordered) != len(spec.cap_slots):
        return [f"the domain has capture slots {spec.cap_slots} for the captures {ordered}"]
    spec.slot_of_capture = dict(zip(ordered, spec.cap_slots))
    # The FAQ flows are written in the order of the FAQ entries; an entry with no
    # phrasing Rasa can take as an example has no intent (the LLM alone starts it).
    faq_file = project / "data" / "faq.yml"
    faq_flows = list(read_yaml_file(faq_file)["flows"].values()) if faq_file.exists() else []
    spec.intents = [((f.get("nlu_trigger") or [{}])[0]).get("intent") for f in faq_flows]

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
            agent = await load_agent(model_path=result.model, endpoints=action_endpoints(project, variables))
        print(f"  trained and loaded in {time.monotonic() - t:.1f}s")
    finally:
        os.chdir(here)

    try:
        conversations, events, places = explore(spec)
    except LoopWithoutWait as e:
        return [f"the spec loops through steps that never wait ({e}); nothing to converse with"]
    if len(places) >= MAX_STATES:
        problems.append(f"the model of the call has more than {MAX_STATES} states; only part was conversed")
    counter = iter(range(1_000_000))
    checks = collections.Counter()

    def compare(what: str, got: list[str], want: list[str]) -> None:
        checks["exchanges"] += 1
        want = [rasa_says(w) for w in want]
        if got != want:
            problems.append(f"{what}:\n      said:     {got!r}\n      expected: {want!r}")

    async def check_wait(label: str, sender: str, state: State) -> None:
        # While a step waits, the silence timeout of its collect is the spec's.
        if state.at[0] in ("step", "answer", "capture"):
            checks["turns waited"] += 1
            timeout = (await agent.tracker_store.retrieve(sender)).get_slot("silence_timeout")
            if timeout != float(spec.silence_timeout):
                problems.append(f"{label}: waiting at {state.at}, silence_timeout is {timeout!r}, not {spec.silence_timeout}")

    # The conversations share their beginnings: they are run as a tree, each reply sent
    # once, a conversation copied (its tracker) where two go different ways.
    root: dict = {"children": {}, "ends": []}
    for what, replies in conversations:
        last = len(replies) - 1  # the reply the conversation is for
        # An FAQ answer interrupts the step; a reply after it shows the call going on from there.
        if replies[-1][0] == "faq":
            replies = replies + [("no_signal", ())]
        node = root
        for n, reply in enumerate(replies):
            node = node["children"].setdefault(reply, {"children": {}, "ends": [], "counts": n == last})
            node["counts"] = node["counts"] or n == last
        node["ends"].append(what)

    async def copy_of(sender: str) -> str:
        tracker = (await agent.tracker_store.retrieve(sender)).copy()
        tracker.sender_id = f"c{next(counter)}"
        await agent.tracker_store.save(tracker)
        return tracker.sender_id

    async def finish(label: str, sender: str, state: State, transferred: list[str]) -> None:
        tracker = await agent.tracker_store.retrieve(sender)
        if state.at[0] == "end":
            condition = state.at[1]
            want = spec.value_of_end.get(condition) if condition else None
            got = tracker.get_slot("end_condition")
            last = type(tracker.events[-1]).__name__
            if got != want or last != "SessionEnded":
                problems.append(f"{label}: end_condition={got!r}, last event {last}; expected {want!r} and a hang-up")
        for cid, slot in spec.slot_of_capture.items():
            held = state.slot(cid)
            want = None
            if held is not None:
                kind = spec.captures[cid]["type"]["kind"]
                want = float(held[0]) if kind == "integer" else (held[0] == "true" if kind == "yes_no" else held[0])
            got = tracker.get_slot(slot)
            if got != want:
                problems.append(f"{label}: {slot} holds {got!r}, expected {want!r}")
        for tid in transferred:
            to = spec.transfers[tid].get("to")
            got = tracker.get_slot("transfer_to")
            if (to is not None and got != to) or (to is None and not re.fullmatch(r"transfer_[a-z0-9_]+", got or "")):
                problems.append(f"{label}: transfer_to is {got!r} after transfer {tid} (to {to!r})")
            if not any(type(e).__name__ == "FlowStarted" and e.flow_id == "pattern_human_handoff" for e in tracker.events):
                problems.append(f"{label}: pattern_human_handoff never started")

    async def walk(node: dict, sender: str, state: State, path: list[str], transferred: list[str]) -> None:
        label = f"conversation {' → '.join(path) or '/session_start'}"
        if node["ends"]:
            checks["conversations"] += len(node["ends"])
            await finish(label, sender, state, transferred)
        children = list(node["children"].items())
        for k, (reply, child) in enumerate(children):
            # The last way on takes this conversation itself; the others a copy of it.
            into = sender if k == len(children) - 1 else await copy_of(sender)
            text = message(spec, state, reply)
            outcome = spec.reply(state, reply)
            said = await talk(agent, into, text)
            compare(f"{label}, then {text} at {state.at}", said, outcome.said)
            await check_wait(label, into, outcome.state)
            if child["counts"]:
                for e in outcome.events:
                    checks[e[0]] += 1
            moved = transferred + [e[1] for e in outcome.events if e[0] == "transfer"]
            await walk(child, into, outcome.state, path + [text], moved)

    sender = f"c{next(counter)}"
    start = spec.start()
    compare("/session_start", await talk(agent, sender, "/session_start", metadata), start.said)
    await check_wait("/session_start", sender, start.state)
    if variables is not None:
        await check_var_slots(agent, sender, spec, problems, checks)
        # Calls that give no value for the optional variables, and none at all: their
        # variables are said as nothing (a default as the default), never `None`.
        for what, given in (("no optional values", sample_metadata(variables, optional=False)), ("no metadata", None)):
            other = Spec(json.loads(json.dumps(data)), domain, variables, given)
            other_sender = f"c{next(counter)}"
            said = await talk(agent, other_sender, "/session_start", given)
            compare(f"/session_start with {what}", said, other.start().said)
            await check_var_slots(agent, other_sender, other, problems, checks)
            if spec.first_speaker == "callee":
                # The opening and the first step: the callee's first words.
                said = await talk(agent, other_sender, "/SetSlots(callee_signal=no_signal)")
                compare(f"the opening with {what}", said, other.reply(other.start().state, ("no_signal", ())).said)
            for text in said:
                if "None" in text or "{{" in text or "said_" in text:
                    problems.append(f"/session_start with {what}: said {text!r}")
    await walk(root, sender, start.state, [], [])

    # Every end condition is reached in some conversation, but those only the dialer's events lead to.
    on_dialer = [
        t
        for key, t in list(spec.start_branches.items())
        + [(key_of(b["on"]), b["target"]) for b in spec.global_branches]
        + [(key_of(b["on"]), b["target"]) for st in spec.steps.values() for b in st["branches"]]
        if key in (("event", "hangup"), ("event", "no_answer"))
    ]
    dialers = {t.get("condition") for t in on_dialer if t["kind"] == "end"}
    reached_ends = {e[1] for e in events if e[0] == "end"}
    for condition in spec.value_of_end:
        if condition in reached_ends:
            checks["end conditions"] += 1
        elif condition in dialers:
            print(f"  end condition `{condition}`: only hangup/no_answer lead to it, which the dialer records")
        else:
            problems.append(f"end condition `{condition}` is reached by no conversation")
    # Every step that waits is a turn some conversation stops at.
    turns = {state.at[1] for state in places if state.at[0] == "step"}
    waiting = {sid for sid in reached if spec.steps[sid]["waits"]}
    for sid in sorted(waiting - turns, key=spec.order.index):
        problems.append(f"step `{sid}` waits, but no conversation reaches it")
    print(
        f"  {len(conversations)} conversations ({checks['exchanges']} replies sent and compared), "
        f"{len(turns & waiting)} of {len(waiting)} steps that wait reached, "
        f"{checks['turns waited']} turns waited, {checks['end conditions']} of {len(spec.value_of_end)} end conditions reached, "
        f"{checks['faq']} FAQ answers, {checks['retry_spent']} retries spent, {checks['transfer']} transfers, "
        f"{checks['capture_filled']} captures filled, {checks['capture_asked_again']} asked again, "
        f"{checks['capture_rejected']} rejected, {checks['silence']} silences, "
        f"{checks['voicemail_at_start']} voicemail at the start, {checks['variable slots']} variable slots"
    )
    totals.update(checks)
    return problems


REQUIRED = {
    "faq": "an FAQ answered mid-call",
    "retry_spent": "a retry running out",
    "capture_filled": "a capture filled",
    "capture_asked_again": "a capture asked again",
    "transfer": "a transfer",
    "voicemail_at_start": "voicemail at the start",
    "silence": "silence taken",
}


async def main(argv: list[str]) -> int:
    require_all = "--require-all" in argv
    args = [a for a in argv[1:] if a != "--require-all"]
    if not args or len(args) % 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = 0
    started = time.monotonic()
    pairs = list(zip(args[0::2], args[1::2]))
    totals: collections.Counter = collections.Counter()
    for project, spec_json in pairs:
        print(f"{project}:")
        t = time.monotonic()
        problems = await check_project(Path(project).resolve(), Path(spec_json).resolve(), totals)
        if problems:
            failed += 1
            print(f"FAIL {project} ({time.monotonic() - t:.1f}s)")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"ok   {project} ({time.monotonic() - t:.1f}s)")
    total = time.monotonic() - started
    missing = [what for key, what in REQUIRED.items() if not totals[key]]
    if require_all and missing:
        print(f"no conversation showed: {', '.join(missing)}", file=sys.stderr)
        failed += 1
    if failed:
        print(f"{failed} problem(s): not everything behaves as specified ({total:.1f}s)", file=sys.stderr)
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
