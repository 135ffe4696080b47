"""Hover: what an id is, in Markdown, with its text rendered."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from helpers import CLEAN, at, covered, open_doc

CASES = [
    ("docs", ["**step** `docs` — 发送资料", "> 资料稍后发到您邮箱。", "then `end(拒绝)`"]),
    ("offer", ["**step** `offer` — 活动优势", "covers `试用`", "then `docs`"]),
    ("价格 ", ["**concern** `价格` · primary", "> 价格是否透明😀", "covered by step `开场`, FAQ `条款`"]),
    ("忙 ", ["**signal** `忙`", "> 张强说忙", "at every step → `docs`"]),
    ("条款", ["**FAQ entry** `条款`", "Q: 有合同模板吗？", "> 有。"]),
    ("拒绝", ["**end condition** `拒绝`", "caller side:\n> 不要", "callee side:\n> 不要"]),
    ("李明 ", ["**caller** `李明` — 李明 (长江公司)"]),
    ("张强 {", ["**callee** `张强` — 张强"]),
    ("knows.公司", ["`{knows.公司}`", "> 泰山公司"]),
    ("callee.name", ["`{callee.name}`", "> 张强"]),
    ("covers", ["keyword `covers`"]),
]


@pytest.mark.parametrize("needle,want", CASES, ids=[c[0].strip() for c in CASES])
async def test_hover(client: LanguageClient, needle, want):
    await open_doc(client, CLEAN)
    h = await client.text_document_hover_async(types.HoverParams(**at(client, CLEAN, needle)))
    assert h is not None
    assert h.contents.kind == types.MarkupKind.Markdown
    for part in want:
        assert part in h.contents.value, h.contents.value
    assert needle.split(" ")[0].split(".")[-1] in covered(client, CLEAN, h.range)


async def test_no_hover_on_text(client: LanguageClient):
    await open_doc(client, CLEAN)
    assert await client.text_document_hover_async(types.HoverParams(**at(client, CLEAN, '"再见"'))) is None
