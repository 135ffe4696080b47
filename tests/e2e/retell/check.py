#!/usr/bin/env python3
"""Checks callc's `retell` target with Retell's own SDK types (retell-sdk,
pinned in tests/e2e/retell/requirements.txt).

    check.py [--mutate DIR] DIR...

Each DIR is the output of `callc build SPEC --target retell -o DIR`:
`conversation_flow.json` and `test_cases.json`. For each:

1. Retell's loader: `pydantic.TypeAdapter(ConversationFlowCreateParams)` on
   the flow and `TypeAdapter(TestCreateTestCaseDefinitionParams)` on every
   test case — types, required keys, enums. The SDK declares lists of nodes
   and edges as `Iterable[...]`, which pydantic validates lazily (a
   `ValidatorIterator`): every result is walked to the end, or a broken node
   would pass.
2. Keys (our own check: the SDK's TypedDicts silently drop a key they do not
   declare, so a misspelt optional key would vanish without a word): every
   key of every object must be declared by the TypedDict it is validated
   as, walking the annotations recursively; in a union, some member must
   both validate and declare every key.
3. The graph (our own check: Retell's types do not look at it; an edge to a
   missing node passes): unique node and edge ids, the start node exists,
   every edge (and finetune example) leads to an existing node, an edge
   that is not a global node's way back has a destination, a skip-response
   edge is its node's only way out, every node but an end node and a
   global node that goes back has a way out, and every node is reachable
   from the start node or a global node.
4. Variables (our own check: Retell substitutes `{{name}}` and leaves an
   unknown one as it is, so a literal `{{` in a text would be read, or
   spoken, as a variable): every `{{…}}` in any string of either file names
   a variable the flow defines (its defaults, extracted variables, a code
   node's results, a transfer's destination variable, or Retell's own).
5. The manifest of test cases: its keys, the version it records (the
   installed retell-sdk's), the placeholder flow id, dynamic variables the
   flow defines, unique names.

`--mutate DIR` then runs the mutation self-test on DIR's output: each mutant
(an unknown key, a misspelt key, an edge to a missing node, a wrong enum, a
wrong type deep in the lazily validated nodes, an unreachable node, a
literal `{{`, broken test cases) must be rejected, or the run fails: CI
fails if a loader or a check stopped checking.

Exit status 0 when everything passes, 1 otherwise (also when retell-sdk
cannot be imported: no check passes without the tool).
"""

import collections.abc
import copy
import json
import re
import sys
import types
import typing
from pathlib import Path

try:
    import typing_extensions
    from pydantic import TypeAdapter, ValidationError
    import retell
    from retell.types.conversation_flow_create_params import ConversationFlowCreateParams
    from retell.types.test_create_test_case_definition_params import TestCreateTestCaseDefinitionParams
except ImportError as e:  # no check passes without the tool
    print(f"retell-sdk is not importable ({e}): the retell target is NOT checked", file=sys.stderr)
    sys.exit(1)

FLOW_FILE = "conversation_flow.json"
CASES_FILE = "test_cases.json"
MANIFEST_KEYS = {"generated_by", "checked_against", "conversation_flow", "usage", "left_out", "test_cases"}
FLOW_ID_PLACEHOLDER = "<conversation_flow_id of conversation_flow.json>"
# Retell's own dynamic variables (docs: "Default System Variables").
SYSTEM_VARIABLES = {
    "current_agent_state", "previous_agent_state", "current_node", "current_time", "current_calendar",
    "session_type", "session_duration", "call_id", "chat_id", "direction", "user_number", "agent_number",
    "agent_id", "agent_name", "agent_version",
}
VARIABLE = re.compile(r"\{\{(.*?)\}\}", re.S)

_adapters = {}


def adapter(t):
    key = repr(t)
    if key not in _adapters:
        _adapters[key] = TypeAdapter(t)
    return _adapters[key]


def force(x):
    """Walks a validated value to the end: pydantic validates an `Iterable`
    field only as it is iterated."""
    if isinstance(x, dict):
        return {k: force(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [force(v) for v in x]
    if isinstance(x, (str, bytes, int, float, bool)) or x is None:
        return x
    if isinstance(x, collections.abc.Iterator):
        return [force(v) for v in x]
    return x


def vendor_errors(t, value, what):
    """Retell's loader: the TypeAdapter of the SDK's params type, walked to the end."""
    try:
        force(adapter(t).validate_python(value))
    except ValidationError as e:
        return [f"{what}: retell-sdk rejects it: {e}"]
    return []


def unwrap(t):
    while True:
        origin = typing.get_origin(t)
        if origin in (typing_extensions.Required, typing_extensions.NotRequired, typing_extensions.Annotated,
                      typing.Annotated):
            t = typing.get_args(t)[0]
        elif getattr(typing, "Required", None) is not None and origin in (typing.Required, typing.NotRequired):
            t = typing.get_args(t)[0]
        else:
            return t


_hints = {}


def hints(td):
    if td not in _hints:
        _hints[td] = typing.get_type_hints(td, include_extras=True)
    return _hints[td]


def fits(value, t):
    try:
        force(adapter(t).validate_python(value))
        return True
    except ValidationError:
        return False


def key_errors(value, t, path):
    """Every key of `value` declared by the TypedDict it is validated as, recursively."""
    t = unwrap(t)
    if t is typing.Any or t is object:
        return []
    if typing_extensions.is_typeddict(t):
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        declared = hints(t)
        unknown = sorted(set(value) - set(declared))
        if unknown:
            return [f"{path}: key(s) {unknown} not declared by {t.__name__} (retell-sdk would drop them silently)"]
        errors = []
        for k, v in value.items():
            errors += key_errors(v, declared[k], f"{path}.{k}")
        return errors
    origin = typing.get_origin(t)
    args = typing.get_args(t)
    if origin is typing.Union or origin is types.UnionType:
        tried = []
        for member in args:
            if member is type(None):
                if value is None:
                    return []
                continue
            if not fits(value, member):
                continue
            errs = key_errors(value, member, path)
            if not errs:
                return []
            tried += errs
        return tried or [f"{path}: matches no member of {t}"]
    if origin is typing.Literal or t in (str, int, float, bool):
        return []
    if origin in (dict, collections.abc.Mapping) or t is dict:
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        item = args[1] if len(args) == 2 else typing.Any
        errors = []
        for k, v in value.items():
            errors += key_errors(v, item, f"{path}[{k!r}]")
        return errors
    if args and isinstance(value, list):  # Iterable[X], List[X], SequenceNotStr[X]
        errors = []
        for n, v in enumerate(value):
            errors += key_errors(v, args[0], f"{path}[{n}]")
        return errors
    return []


def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)


def flow_variables(flow):
    known = set(SYSTEM_VARIABLES) | set(flow.get("default_dynamic_variables") or {})
    for node in flow.get("nodes", []):
        for v in node.get("variables") or []:
            known.add(v.get("name"))
        known |= set(node.get("response_variables") or {})
        number = (node.get("transfer_destination") or {}).get("number", "")
        m = re.fullmatch(r"\{\{\s*(\w+)\s*\}\}", number)
        if m:
            known.add(m.group(1))  # the deployment gives a transfer's destination
    return known


def variable_errors(document, known, what):
    errors = []
    for s in strings(document):
        for m in VARIABLE.finditer(s):
            name = m.group(1).strip()
            if name not in known and not name.startswith(("current_time_", "current_calendar_")):
                errors.append(f"{what}: {{{{{m.group(1)}}}}} in {s[:80]!r}… is no variable of the flow")
    return errors


def outgoing(node):
    """(label, edge) of every way out of a node."""
    for n, e in enumerate(node.get("edges") or []):
        yield f"edges[{n}]", e
    for key in ("else_edge", "skip_response_edge", "always_edge", "edge"):
        if node.get(key) is not None:
            yield key, node[key]


def graph_errors(flow):
    errors = []
    nodes = flow.get("nodes") or []
    ids = [n.get("id") for n in nodes]
    index = {i: n for i, n in zip(ids, nodes)}
    for i in sorted({i for i in ids if ids.count(i) > 1}):
        errors.append(f"node id {i!r} is not unique")
    edge_ids = []
    start = flow.get("start_node_id")
    if start not in index:
        errors.append(f"start_node_id {start!r} is no node")
    successors = {}
    for node in nodes:
        nid = node.get("id")
        dests = []
        ways = list(outgoing(node))
        for label, edge in ways:
            edge_ids.append(edge.get("id"))
            dest = edge.get("destination_node_id")
            if dest is None:
                errors.append(f"{nid}.{label}: no destination_node_id")
            elif dest not in index:
                errors.append(f"{nid}.{label}: leads to {dest!r}, which is no node")
            else:
                dests.append(dest)
            if label in ("skip_response_edge", "always_edge") and len(ways) > 1:
                errors.append(f"{nid}: a {label} must be the node's only way out")
        for n, example in enumerate(node.get("finetune_transition_examples") or []):
            dest = example.get("destination_node_id")
            if dest is not None and dest not in index:
                errors.append(f"{nid}.finetune_transition_examples[{n}]: leads to {dest!r}, which is no node")
        setting = node.get("global_node_setting")
        goes_back = False
        if setting:
            for n, back in enumerate(setting.get("go_back_conditions") or []):
                edge_ids.append(back.get("id"))
                goes_back = True
                dest = back.get("destination_node_id")
                if dest is not None and dest not in index:
                    errors.append(f"{nid}.go_back_conditions[{n}]: leads to {dest!r}, which is no node")
        if not ways and node.get("type") != "end" and not goes_back:
            errors.append(f"{nid}: a {node.get('type')} node with no way out (the call would stop there)")
        successors[nid] = dests
    for e in sorted({e for e in edge_ids if edge_ids.count(e) > 1}):
        errors.append(f"edge id {e!r} is not unique")
    roots = [start] + [n.get("id") for n in nodes if n.get("global_node_setting")]
    seen = set()
    todo = [r for r in roots if r in index]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo += successors.get(n, [])
    for i in ids:
        if i not in seen:
            errors.append(f"node {i!r} is unreachable from the start node and every global node")
    return errors


def check_flow(flow, where):
    errors = vendor_errors(ConversationFlowCreateParams, flow, where)
    if errors:
        return errors
    errors += key_errors(flow, ConversationFlowCreateParams, where)
    errors += [f"{where}: {e}" for e in graph_errors(flow)]
    errors += variable_errors(flow, flow_variables(flow), where)
    version = f"retell-sdk {retell.__version__}"
    if not any(version in (n.get("content") or "") for n in flow.get("notes") or []):
        errors.append(f"{where}: no canvas note records {version!r}")
    return errors


def check_cases(manifest, flow, where):
    if not isinstance(manifest, dict):
        return [f"{where}: not an object"]
    errors = []
    keys = set(manifest)
    if keys != MANIFEST_KEYS:
        errors.append(f"{where}: keys {sorted(keys)}, expected {sorted(MANIFEST_KEYS)}")
    version = f"retell-sdk {retell.__version__}"
    if manifest.get("checked_against") != version:
        errors.append(f"{where}: checked_against is {manifest.get('checked_against')!r}, the installed one {version!r}")
    if manifest.get("conversation_flow") != FLOW_FILE:
        errors.append(f"{where}: conversation_flow is not {FLOW_FILE!r}")
    for n, left in enumerate(manifest.get("left_out") or []):
        if set(left) != {"scenario", "reason"}:
            errors.append(f"{where}: left_out[{n}] keys {sorted(left)}")
    defined = set((flow or {}).get("default_dynamic_variables") or {})
    names = []
    cases = manifest.get("test_cases")
    if not isinstance(cases, list) or not cases:
        return errors + [f"{where}: no test cases"]
    for n, case in enumerate(cases):
        what = f"{where}: test_cases[{n}]"
        case_errors = vendor_errors(TestCreateTestCaseDefinitionParams, case, what)
        if case_errors:
            errors += case_errors
            continue
        errors += key_errors(case, TestCreateTestCaseDefinitionParams, what)
        engine = case.get("response_engine") or {}
        if engine.get("type") != "conversation-flow" or engine.get("conversation_flow_id") != FLOW_ID_PLACEHOLDER:
            errors.append(f"{what}: response_engine is not the conversation flow's placeholder: {engine!r}")
        for name in case.get("dynamic_variables") or {}:
            if name not in defined:
                errors.append(f"{what}: dynamic variable {name!r} is not one of the flow's")
        if not case.get("metrics") or not case.get("user_prompt", "").strip():
            errors.append(f"{what}: no metrics or no user prompt")
        names.append(case.get("name"))
    for name in sorted({x for x in names if names.count(x) > 1}):
        errors.append(f"{where}: test case name {name!r} is not unique")
    errors += variable_errors(manifest, flow_variables(flow or {}), where)
    return errors


def load(directory):
    d = Path(directory)
    return json.loads((d / FLOW_FILE).read_text(encoding="utf-8")), json.loads(
        (d / CASES_FILE).read_text(encoding="utf-8"))


def check(flow, manifest, where):
    return check_flow(flow, f"{where}/{FLOW_FILE}") + check_cases(manifest, flow, f"{where}/{CASES_FILE}")


def first(nodes, kind, key=None):
    return next(n for n in nodes if n.get("type") == kind and (key is None or key in n))


def mutants(flow, manifest):
    """(what, flow, manifest) for each broken output."""

    def flow_mutant(what, change):
        f = copy.deepcopy(flow)
        change(f)
        return what, f, manifest

    def cases_mutant(what, change):
        m = copy.deepcopy(manifest)
        change(m)
        return what, flow, m

    def waiting(f):
        return first(f["nodes"], "conversation", "else_edge")

    def unknown_key(f):
        waiting(f)["edgez"] = []

    def misspelt(f):
        e = waiting(f)["else_edge"]
        e["destination_node"] = e.pop("destination_node_id")

    def dangling(f):
        waiting(f)["else_edge"]["destination_node_id"] = "NOWHERE"

    def dangling_example(f):
        waiting(f).setdefault("finetune_transition_examples", []).append(
            {"id": "x", "transcript": [{"role": "user", "content": "嗯"}], "destination_node_id": "NOWHERE"})

    def enum(f):
        f["start_speaker"] = "caller"

    def wrong_type(f):
        waiting(f)["instruction"]["text"] = 5

    def deep_type(f):
        f["nodes"][-1]["display_position"] = {"x": "left", "y": 0}

    def node_type(f):
        f["nodes"][-1]["type"] = "finale"

    def orphan(f):
        f["nodes"].append({"id": "ORPHAN", "type": "end", "name": "orphan"})

    def literal_braces(f):
        waiting(f)["instruction"]["text"] += "{{nobody}}"

    def case_key(m):
        m["test_cases"][0]["user_promt"] = m["test_cases"][0]["user_prompt"]

    def case_type(m):
        m["test_cases"][0]["metrics"] = "all good"

    def case_engine(m):
        m["test_cases"][0]["response_engine"] = {"type": "retell-llm"}

    def case_variable(m):
        m["test_cases"][0].setdefault("dynamic_variables", {})["nobody"] = "x"

    def manifest_key(m):
        m["checked_agianst"] = m.pop("checked_against")

    return [
        flow_mutant("an unknown key in a node", unknown_key),
        flow_mutant("a misspelt optional key (else_edge.destination_node)", misspelt),
        flow_mutant("an edge to a missing node", dangling),
        flow_mutant("a finetune example leading to a missing node", dangling_example),
        flow_mutant("a wrong enum (start_speaker: caller)", enum),
        flow_mutant("a wrong type (instruction.text: 5)", wrong_type),
        flow_mutant("a wrong type in the last node (display_position.x: \"left\")", deep_type),
        flow_mutant("an unknown node type in the last node", node_type),
        flow_mutant("a node no edge reaches", orphan),
        flow_mutant("a literal {{nobody}} in a line", literal_braces),
        cases_mutant("an unknown key in a test case (user_promt)", case_key),
        cases_mutant("a wrong type in a test case (metrics: a string)", case_type),
        cases_mutant("a test case's response engine without its id", case_engine),
        cases_mutant("a test case's dynamic variable the flow does not define", case_variable),
        cases_mutant("a misspelt manifest key", manifest_key),
    ]


def self_test(directory):
    flow, manifest = load(directory)
    failed = 0
    clean = check(flow, manifest, directory)
    if clean:
        print(f"mutation self-test: the unmutated output fails:\n  " + "\n  ".join(clean), file=sys.stderr)
        return 1
    for what, f, m in mutants(flow, manifest):
        vendor = bool(vendor_errors(ConversationFlowCreateParams, f, "flow")) or any(
            vendor_errors(TestCreateTestCaseDefinitionParams, c, "case") for c in m.get("test_cases", []))
        errors = check(f, m, "mutant")
        if errors:
            by = "retell-sdk" if vendor else "callc's own checks (retell-sdk accepts it)"
            print(f"   rejected ({by}): {what}\n      {errors[0].splitlines()[0][:200]}")
        else:
            print(f"mutation NOT rejected: {what}", file=sys.stderr)
            failed += 1
    return failed


def main(argv):
    mutate = None
    if len(argv) >= 2 and argv[0] == "--mutate":
        mutate, argv = argv[1], argv[2:]
    if not argv and mutate is None:
        print(__doc__, file=sys.stderr)
        return 2
    failed = 0
    for directory in argv:
        flow, manifest = load(directory)
        errors = check(flow, manifest, directory)
        nodes = len(flow.get("nodes") or [])
        cases = len(manifest.get("test_cases") or [])
        left = len(manifest.get("left_out") or [])
        if errors:
            failed += 1
            print(f"FAIL {directory}:", file=sys.stderr)
            for e in errors[:40]:
                print(f"  {e}", file=sys.stderr)
            if len(errors) > 40:
                print(f"  … and {len(errors) - 40} more", file=sys.stderr)
        else:
            print(f"   ok {directory}: {nodes} nodes, {cases} test cases ({left} scenarios left out)")
    if mutate is not None:
        print(f"== mutation self-test on {mutate}")
        failed += self_test(mutate)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
