"""Completion: ids where a reference goes (while the file is being typed and does
not parse), keywords by block, placeholder paths inside strings; snippets only
for clients that take them (pytest-lsp fails a test on any result that breaks
the client's capabilities)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from helpers import CLEAN, URI, apply, open_doc, pos, replace_all


def labels(result) -> list[str]:
    items = result.items if isinstance(result, types.CompletionList) else result
    return [i.label for i in items]


async def complete(client: LanguageClient, text: str, needle: str, delta: int, trigger: str | None = None):
    context = (
        types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger)
        if trigger
        else types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    )
    return await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=pos(client, text, needle, delta=delta),
            context=context,
        )
    )


# (what replaces what in CLEAN, the cursor: needle and characters into it, the items expected)
REFERENCES = [
    ("next docs }", "next  }", "next  }", 5, ["开场", "docs", "offer", "end", "end(拒绝)"]),
    ("-> end(拒绝) }", "-> ", '。" -> ', 5, ["开场", "docs", "offer", "end", "end(拒绝)"]),
    ('say "您好😀"', 'say "您好😀" on ', "on  ", 3, ["忙"]),
    ('say "您好😀"', 'say "您好😀" on 忙 -> ', "忙 ->  next", 5, ["开场", "docs", "offer", "end", "end(拒绝)"]),
    ("covers 价格 {", "covers 价格, {", "价格, {", 4, ["试用"]),
    ("covers 试用 {", "covers  {", "covers  {", 7, ["价格", "试用"]),
    ("-> end(拒绝) }", "-> end( }", "end( }", 4, ["拒绝"]),
]


@pytest.mark.parametrize("old,new,needle,delta,want", REFERENCES, ids=[r[1].strip() for r in REFERENCES])
async def test_ids_where_references_go(client: LanguageClient, old, new, needle, delta, want):
    await open_doc(client, CLEAN)
    text = CLEAN.replace(old, new, 1)
    await replace_all(client, 2, text)
    result = await complete(client, text, needle, delta, trigger=" ")
    assert labels(result) == want


async def test_picking_an_item_writes_the_reference(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace("next docs }", "next do }")
    await replace_all(client, 2, text)
    result = await complete(client, text, "next do }", 7)
    item = next(i for i in result if i.label == "docs")
    assert item.detail == "发送资料"
    assert apply(client, text, [item.text_edit]) == CLEAN
    text = CLEAN.replace("-> end(拒绝) }", "-> end(拒 }")
    await replace_all(client, 3, text)
    result = await complete(client, text, "end(拒 }", 5)
    assert apply(client, text, [result[0].text_edit]) == CLEAN


async def test_keywords_by_block(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace('say "您好😀"', 'say "您好😀" ')
    await replace_all(client, 2, text)
    # A space typed after a finished statement does not pop a list up; asking does.
    assert await complete(client, text, '😀" ', 3, trigger=" ") in (None, [])
    result = await complete(client, text, '😀" ', 3)
    assert labels(result) == ["on", "say", "next", "allow", "warn", "deny"]
    snippets = client.client_name != "neovim@v0.10.0"
    say = result[1]
    assert (say.insert_text_format == types.InsertTextFormat.Snippet) == snippets
    assert say.text_edit.new_text == ('say "$0"' if snippets else "say")
    text = CLEAN.replace('name "张强"', 'name "张强" ')
    await replace_all(client, 3, text)
    callee = labels(await complete(client, text, '"张强" ', 5))
    assert "concern" in callee and "background" in callee and "task" not in callee
    text = CLEAN.replace('"开场问候" covers 价格', '"开场问候" ')
    await replace_all(client, 4, text)
    assert labels(await complete(client, text, '"开场问候" ', 7)) == ["covers"]


async def test_placeholders_inside_strings(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace('say "您好😀"', 'say "您好😀{"')
    await replace_all(client, 2, text)
    result = await complete(client, text, "😀{", 2, trigger="{")
    names = labels(result)
    assert {"caller.name", "caller.org", "callee.name", "knows.公司"} <= set(names)
    assert "callee.org" not in names, "the callee sets no org"
    item = next(i for i in result if i.label == "knows.公司")
    assert apply(client, text, [item.text_edit]) == CLEAN.replace('say "您好😀"', 'say "您好😀{knows.公司}"')


async def test_lint_names(client: LanguageClient):
    await open_doc(client, CLEAN)
    text = CLEAN.replace('say "资料稍后发到您邮箱。"', "allow ")
    await replace_all(client, 2, text)
    result = await complete(client, text, "allow ", 6, trigger=" ")
    assert "silent_step" in labels(result) and "warnings" in labels(result)
