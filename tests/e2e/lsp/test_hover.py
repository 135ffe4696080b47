"""Hover: what an id is, in Markdown, with its text rendered."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from helpers import CLEAN, LISTEN, MANY, at, covered, open_doc

CASES = [
    ("docs", ["**step** `docs` — 发送资料", "> 资料稍后发到您邮箱。", "then `end(拒绝)`"]),
    ("offer", ["**step** `offer` — 活动优势", "covers `试用`", "then `docs`"]),
    ("价格 ", ["**concern** `价格`", "`张强` · primary\n> 价格是否透明😀", "covered by step `开场`, FAQ `条款`"]),
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


# Calls that listen: (needle, the text the hover covers, what it says).
LISTENING = [
    ("voicemail", "voicemail", ["**event** `voicemail` (built in)", "answering machine", "when the call starts → `留言`"]),
    ("silence ->", "silence", ["**event** `silence`", "(`silence_timeout`: 8 s)", "at every step → `确认在线`"]),
    ("hangup -> end(挂断) ->", "hangup", ["**event** `hangup`", "at every step → `end(挂断)`", "at `确认在线` → `end(挂断)`"]),
    ("邮箱 email", "邮箱", ["**capture** `邮箱`: `email` — asked at step `要邮箱`", "> 张强的邮箱😀", "required by `end(留邮箱)`, `transfer(销售)`"]),
    ("套餐", "套餐", ["**capture** `套餐`: `one_of(标准, 高级)`, optional — asked at step `报价`"]),
    ('email "', "email", ["**capture type** `email`", "an e-mail address"]),
    ("one_of", "one_of", ["**capture type** `one_of`"]),
    ("销售)", "销售", ["**transfer** `销售` — 销售顾问😀", "> 请稍候😀。", "to `queue:renewal\\_sales`", "if it fails → `end(挂断)`", "requires `邮箱`"]),
    ("callee //", "callee", ["**first speaker** `callee` (the default)", "speaks first"]),
    ("要邮箱 \"", "要邮箱", ["waits for a reply", "captures `邮箱` (`email`)", "retry: runs again at most 2 times, then → `end(挂断)`"]),
    ("说明", "说明", ["does not wait for a reply (`continue`)"]),
    ("留邮箱 \"", "留邮箱", ["**end condition** `留邮箱`", "requires `邮箱`"]),
    ("续约", "续约", ["first speaker `callee` · silence after 8 s"]),
    ("continue", "continue", ["keyword `continue`", "without waiting for a reply"]),
    ("retry", "retry", ["keyword `retry`", "at most 1 + N times"]),
]


@pytest.mark.parametrize("needle,word,want", LISTENING, ids=[c[0].strip(' "') for c in LISTENING])
async def test_hover_on_calls_that_listen(client: LanguageClient, needle, word, want):
    await open_doc(client, LISTEN)
    h = await client.text_document_hover_async(types.HoverParams(**at(client, LISTEN, needle)))
    assert h is not None
    for part in want:
        assert part in h.contents.value, h.contents.value
    assert covered(client, LISTEN, h.range) == word


# Per-call variables and several callees: (needle, the text the hover covers, what it says).
MANY_CASES = [
    ("{var.到期日}", "{var.到期日}", [
        "**variable** `{var.到期日}` · `date`", "- required: every call gives it",
        "- example `2026-12-31` (said “12月31日”)", "- used once, in step `开场`",
    ]),
    ("客户   text", "客户", ["> 客户姓名😀", "- used 2 times, in callee `张强`, `closing`"]),
    ("优惠   percent", "优惠", ["- default `8` (said “8%”): a call that gives none takes it"]),
    ("回拨   phone", "回拨", ["- optional: a call may leave it out", "- personal data (`pii`)"]),
    ("比价 extends", "比价", [
        "**callee** `比价` — {var.客户}", "- extends `忙碌` → `张强`",
        "- `条款` · primary — 条款是否有书面明细😀 (from `张强`)", "- `价格` · primary — 只关心最终价格",
    ]),
    ("张强 {", "张强", ["- extended by `忙碌`", "- `价格` · secondary — 价格是否透明"]),
    ("价格 latent", "价格", ["`张强` · secondary\n> 价格是否透明", "`忙碌` · latent\n> 价格之后再看", "`比价` · primary\n> 只关心最终价格"]),
    ("条款 primary", "条款", ["inherited:\n- `忙碌` · primary, as `张强`"]),
    ("money(CNY)", "money", ["**type** `money`", "an amount in one currency"]),
    ('example "张强"', "example", ["keyword `example`", "previews"]),
    ('example "在开会', "example", ["field `example`", "gives the signal"]),
    ("extends 张强", "extends", ["keyword `extends`", "a variant of"]),
    ("pii\n", "pii", ["keyword `pii`", "personal data"]),
]


@pytest.mark.parametrize("needle,word,want", MANY_CASES, ids=[c[0].strip(' "') for c in MANY_CASES])
async def test_hover_on_variables_and_callees(client: LanguageClient, needle, word, want):
    await open_doc(client, MANY)
    h = await client.text_document_hover_async(types.HoverParams(**at(client, MANY, needle)))
    assert h is not None
    for part in want:
        assert part in h.contents.value, h.contents.value
    assert covered(client, MANY, h.range) == word
