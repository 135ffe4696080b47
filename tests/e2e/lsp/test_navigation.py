"""Go to definition, find references (includeDeclaration honoured) and document
highlights, for every kind of id, from the definition and from every reference."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from helpers import CLEAN, LISTEN, MANY, URI, at, covered, open_doc, pos

# (needle, how many times it occurs as that id, which occurrence is the definition)
IDS = [
    ("docs", 3, 1),  # step: `on 忙 -> docs`, `step docs`, `next docs`
    ("offer", 2, 1),  # step: `next offer`, `step offer`
    ("价格 ", 3, 0),  # concern: definition, `covers` of a step, `covers` of an FAQ entry
    ("忙 ", 2, 0),  # signal: definition, `on 忙`
    ("拒绝", 2, 1),  # end condition: `end(拒绝)`, `when 拒绝`
    ("条款", 1, 0),  # FAQ entry
    ("李明 ", 1, 0),  # caller
    ("张强 {", 1, 0),  # callee
    ("续约 {", 1, 0),  # the call
]


@pytest.mark.parametrize("needle,count,def_nth", IDS, ids=[i[0].strip() for i in IDS])
async def test_definition_and_references(client: LanguageClient, needle, count, def_nth):
    await open_doc(client, CLEAN)
    name = needle.split(" ")[0]
    definition = pos(client, CLEAN, needle, def_nth)
    for nth in range(count):
        where = at(client, CLEAN, needle, nth)
        d = await client.text_document_definition_async(types.DefinitionParams(**where))
        loc = d[0] if isinstance(d, list) else d
        assert loc.uri == URI
        assert loc.range.start == definition, f"{name} #{nth}"
        assert covered(client, CLEAN, loc.range) == name
        for include in (True, False):
            refs = await client.text_document_references_async(
                types.ReferenceParams(**where, context=types.ReferenceContext(include_declaration=include))
            )
            assert len(refs) == count - (0 if include else 1), f"{name} #{nth} include={include}"
            assert all(covered(client, CLEAN, r.range) == name for r in refs)
            assert (definition in [r.range.start for r in refs]) == include


async def test_a_placeholder_leads_to_its_entry(client: LanguageClient):
    await open_doc(client, CLEAN)
    d = await client.text_document_definition_async(types.DefinitionParams(**at(client, CLEAN, "knows.公司", delta=7)))
    loc = d[0] if isinstance(d, list) else d
    assert loc.range.start == pos(client, CLEAN, '公司 "')
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            **at(client, CLEAN, '公司 "'), context=types.ReferenceContext(include_declaration=False)
        )
    )
    assert [covered(client, CLEAN, r.range) for r in refs] == ["公司"]


async def test_highlights_tell_definitions_from_references(client: LanguageClient):
    await open_doc(client, CLEAN)
    h = await client.text_document_document_highlight_async(types.DocumentHighlightParams(**at(client, CLEAN, "docs")))
    assert [x.kind for x in h] == [
        types.DocumentHighlightKind.Read,
        types.DocumentHighlightKind.Write,
        types.DocumentHighlightKind.Read,
    ]


async def test_nothing_on_keywords_and_text(client: LanguageClient):
    await open_doc(client, CLEAN)
    for needle in ("flow", "资料稍后"):
        assert await client.text_document_definition_async(types.DefinitionParams(**at(client, CLEAN, needle))) is None


# Calls that listen: (name, its definition, every place it is written as (needle, nth, characters in)).
LISTENING = [
    ("邮箱", ("邮箱 email", 0, 0), [("邮箱 email", 0, 0), ("requires 邮箱\n", 0, 9), ("requires 邮箱\n", 1, 9)]),
    ("销售", ("transfer 销售", 0, 9), [("transfer 销售", 0, 9), ("transfer(销售)", 0, 9)]),
    ("套餐", ("套餐 one_of", 0, 0), [("套餐 one_of", 0, 0)]),
]


@pytest.mark.parametrize("name,definition,places", LISTENING, ids=[c[0] for c in LISTENING])
async def test_captures_and_transfers(client: LanguageClient, name, definition, places):
    await open_doc(client, LISTEN)
    want = pos(client, LISTEN, *definition)
    for needle, nth, delta in places:
        where = at(client, LISTEN, needle, nth, delta)
        d = await client.text_document_definition_async(types.DefinitionParams(**where))
        loc = d[0] if isinstance(d, list) else d
        assert loc.range.start == want and covered(client, LISTEN, loc.range) == name, needle
        for include in (True, False):
            refs = await client.text_document_references_async(
                types.ReferenceParams(**where, context=types.ReferenceContext(include_declaration=include))
            )
            assert len(refs) == len(places) - (0 if include else 1), f"{needle} include={include}"
            assert all(covered(client, LISTEN, r.range) == name for r in refs)
        h = await client.text_document_document_highlight_async(types.DocumentHighlightParams(**where))
        assert sorted(x.kind for x in h) == sorted(
            [types.DocumentHighlightKind.Write] + [types.DocumentHighlightKind.Read] * (len(places) - 1)
        )


async def test_an_event_has_no_definition_and_highlights_its_branches(client: LanguageClient):
    await open_doc(client, LISTEN)
    where = at(client, LISTEN, "hangup")
    assert await client.text_document_definition_async(types.DefinitionParams(**where)) is None
    h = await client.text_document_document_highlight_async(types.DocumentHighlightParams(**where))
    assert len(h) == 2 and all(covered(client, LISTEN, x.range) == "hangup" for x in h)


# Per-call variables and callees: (name, its definition, every place it is written).
MANY_NAMES = [
    ("客户", ("客户   text", 0, 0), [("客户   text", 0, 0), ("{var.客户}", 0, 5), ("{var.客户}", 1, 5), ("{var.客户}", 1, 0)]),
    ("到期日", ("到期日 date", 0, 0), [("到期日 date", 0, 0), ("{var.到期日}", 0, 6)]),
    ("张强", ("callee 张强", 0, 7), [("callee 张强", 0, 7), ("extends 张强", 0, 8)]),
    ("忙碌", ("callee 忙碌", 0, 7), [("callee 忙碌", 0, 7), ("extends 忙碌", 0, 8)]),
]


@pytest.mark.parametrize("name,definition,places", MANY_NAMES, ids=[c[0] for c in MANY_NAMES])
async def test_variables_and_callees(client: LanguageClient, name, definition, places):
    await open_doc(client, MANY)
    want = pos(client, MANY, *definition)
    # The cursor on a placeholder's brace finds it too: the last place repeats one from its `{`.
    distinct = len({(n, i) for n, i, _ in places})
    for needle, nth, delta in places:
        where = at(client, MANY, needle, nth, delta)
        d = await client.text_document_definition_async(types.DefinitionParams(**where))
        loc = d[0] if isinstance(d, list) else d
        assert loc.range.start == want and covered(client, MANY, loc.range) == name, needle
        for include in (True, False):
            refs = await client.text_document_references_async(
                types.ReferenceParams(**where, context=types.ReferenceContext(include_declaration=include))
            )
            assert len(refs) == distinct - (0 if include else 1), f"{needle} include={include}"
            assert all(covered(client, MANY, r.range) == name for r in refs)
        h = await client.text_document_document_highlight_async(types.DocumentHighlightParams(**where))
        assert sorted(x.kind for x in h) == sorted(
            [types.DocumentHighlightKind.Write] + [types.DocumentHighlightKind.Read] * (distinct - 1)
        )
