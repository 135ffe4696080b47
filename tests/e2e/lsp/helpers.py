"""Shared pieces of the end-to-end suite: the spec used everywhere, positions
in the encoding the server chose (UTF-16 or UTF-8), edits, and waiting for
diagnostics without ever waiting forever."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parents[3]
CALLC = os.environ.get("CALLC_BIN", str(ROOT / "target" / "debug" / "callc"))
CONFIG = ClientServerConfig(server_command=[CALLC, "lsp"])
URI = "file:///work/%E7%BB%AD%E7%BA%A6.call"
TIMEOUT = 15

# A spec whose only problem is `next dcos`: an unknown step, after Chinese text
# and an emoji on the same line. (It does not handle voicemail and `docs` loops
# on `忙`: the two lints are allowed, so that the one problem stays the only one.)
BROKEN = """call 续约 {
  locale "zh-CN"
  allow unhandled_voicemail
  allow unbounded_retry
  caller 李明 { name "李明" org "长江公司" knows { 公司 "泰山公司" } }
  callee 张强 {
    name "张强"
    concern 价格 primary "价格是否透明😀"
    concern 试用 latent "能否试用"
  }
  signal 忙 "张强说忙"
  opening "您好，{callee.name}，我是{knows.公司}的朋友"
  flow {
    on 忙 -> docs
    step 开场 "开场问候" covers 价格 { say "您好😀" next offer }
    step docs "发送资料" { say "资料稍后发到您邮箱。" -> end(拒绝) }
    step offer "活动优势" covers 试用 { say "提前续约享8%专属优惠😀"  next dcos }
  }
  faq { qa 条款 covers 价格 { q "有合同模板吗？" a "有。" } }
  end { when 拒绝 "不要" callee "不要" closing "再见" }
}
"""
CLEAN = BROKEN.replace("next dcos", "next docs")

# Every construct of "calls that listen" (first speaker, silence timeout, the four
# events, `continue`, captures, `retry`, a transfer, `requires`), with Chinese ids
# and emoji before the positions involved. It checks clean.
LISTEN = """call 续约 {
  locale "zh-CN"
  first_speaker callee // 对方先开口😀
  silence_timeout 8
  caller 李明 { name "李明" org "长江公司" }
  callee 张强 { name "张强" concern 条款 primary "条款😀" }
  signal 忙 "张强说忙😀"
  signal 转人工 "张强要人工"
  flow {
    on voicemail -> 留言
    on no_answer -> end(未接通)
    on hangup -> end(挂断)
    on silence -> 确认在线
    on 忙 -> 要邮箱
    step 说明 "说明😀" { say "您好😀，续约跟进。" continue }
    step 报价 "报价😀" covers 条款 {
      say "优惠8%😀，您选哪个？"
      capture 套餐 one_of(标准, 高级) optional "套餐😀"
    }
    step 要邮箱 "确认邮箱" {
      say "邮箱是？😀"
      capture 邮箱 email "张强的邮箱😀"
      retry 2 -> end(挂断)
    }
    step 转接 "询问转接" {
      say "需要我帮您转接销售顾问吗？😀"
      on 转人工 -> transfer(销售) // 邮箱已记录，才转接
      -> end(留邮箱)
    }
    step 确认在线 { say "还在吗？😀" retry 1 -> end(挂断) on hangup -> end(挂断) -> 报价 }
    step 留言 { say "请回电😀" continue -> end(已留言) }
  }
  end {
    when 留邮箱 "留下邮箱" callee "给了邮箱" requires 邮箱
    when 挂断 "挂断" callee "挂了"
    when 未接通 "未接通" callee "没接"
    when 已留言 "已留言" callee "语音信箱"
    transfer 销售 "销售顾问😀" {
      say "请稍候😀。"
      to "queue:renewal_sales"
      fallback end(挂断)
      requires 邮箱
    }
    closing "再见"
  }
}
"""


# The language server tests' shared spec (see the file's header): per-call variables,
# several callees, a signal with examples, Chinese ids and emoji. It checks clean.
MANY = (Path(__file__).resolve().parents[2] / "fixtures" / "lsp" / "many.call").read_text(encoding="utf-8")


def utf8(client: LanguageClient) -> bool:
    return getattr(client, "encoding", "utf-16") == "utf-8"


def units(client: LanguageClient, s: str) -> int:
    """The length of `s` in the negotiated column unit."""
    if utf8(client):
        return len(s.encode("utf-8"))
    return len(s.encode("utf-16-le")) // 2


def pos(client: LanguageClient, text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    """The position of the `nth` `needle` in `text`, plus `delta` characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line=line, character=units(client, text[start:at]))


def offset(client: LanguageClient, text: str, p: types.Position) -> int:
    """The index in `text` of an LSP position."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: p.line])
    count = 0
    for i, c in enumerate(lines[p.line] if p.line < len(lines) else ""):
        if count >= p.character:
            return start + i
        count += units(client, c)
    return start + len(lines[p.line]) if p.line < len(lines) else len(text)


def covered(client: LanguageClient, text: str, r: types.Range) -> str:
    """The text a range covers."""
    return text[offset(client, text, r.start) : offset(client, text, r.end)]


def apply(client: LanguageClient, text: str, edits) -> str:
    """Applies non-overlapping text edits."""
    spans = sorted(
        ((offset(client, text, e.range.start), offset(client, text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def at(client: LanguageClient, text: str, needle: str, nth: int = 0, delta: int = 0):
    return dict(
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=pos(client, text, needle, nth, delta),
    )


async def published(client: LanguageClient, send) -> list[types.Diagnostic]:
    """Calls `send()` and returns the next diagnostics published (for URI)."""
    while True:
        waiting = client.protocol.wait_for_notification_async(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if send is not None:
            send()
            send = None
        params = await asyncio.wait_for(waiting, TIMEOUT)
        if params.uri == URI:
            return list(params.diagnostics)


async def open_doc(client: LanguageClient, text: str, version: int = 1) -> list[types.Diagnostic]:
    return await published(
        client,
        lambda: client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=URI, language_id="call", version=version, text=text)
            )
        ),
    )


async def change(client: LanguageClient, version: int, changes) -> list[types.Diagnostic]:
    return await published(
        client,
        lambda: client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=changes,
            )
        ),
    )


async def replace_all(client: LanguageClient, version: int, text: str) -> list[types.Diagnostic]:
    return await change(client, version, [types.TextDocumentContentChangeWholeDocument(text=text)])
