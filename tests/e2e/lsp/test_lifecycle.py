"""Initialisation, the shutdown/exit handshake and its exit status, and a server
that keeps going when a request fails or a handler panics."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcMethodNotFound
from pytest_lsp import LanguageClient, client_capabilities

from helpers import CLEAN, CONFIG, TIMEOUT, URI, at, open_doc


async def test_initialize_announces_every_feature(client: LanguageClient):
    caps = client.init_result.capabilities
    want = "utf-8" if client.client_name == "neovim" else "utf-16"
    assert client.encoding == want, "UTF-8 when offered (Neovim 0.11), else the protocol's UTF-16"
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.document_highlight_provider and caps.document_symbol_provider
    assert caps.document_formatting_provider
    assert caps.rename_provider.prepare_provider
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert "{" in caps.completion_provider.trigger_characters
    assert client.init_result.server_info.name == "callc"


async def _started(name: str = "neovim") -> LanguageClient:
    c = await CONFIG.start()
    await c.initialize_session(types.InitializeParams(capabilities=client_capabilities(name)))
    return c


async def test_shutdown_then_exit_ends_the_process_with_status_0():
    c = await _started()
    await asyncio.wait_for(c.shutdown_async(None), TIMEOUT)
    c.exit(None)
    assert await asyncio.wait_for(c._server.wait(), TIMEOUT) == 0
    await c.stop()


async def test_exit_without_shutdown_ends_the_process_with_status_1():
    c = await _started("visual_studio_code")
    c.exit(None)
    assert await asyncio.wait_for(c._server.wait(), TIMEOUT) == 1
    await c.stop()


async def test_requests_after_shutdown_are_refused():
    c = await _started()
    await asyncio.wait_for(c.shutdown_async(None), TIMEOUT)
    with pytest.raises(JsonRpcException) as e:
        await asyncio.wait_for(
            c.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=0, character=0)
                )
            ),
            TIMEOUT,
        )
    assert e.value.code == -32600
    c.exit(None)
    assert await asyncio.wait_for(c._server.wait(), TIMEOUT) == 0
    await c.stop()


async def test_failures_are_answered_and_the_server_goes_on(client: LanguageClient):
    await open_doc(client, CLEAN)
    with pytest.raises(JsonRpcMethodNotFound):
        await asyncio.wait_for(client.protocol.send_request_async("callc/noSuchMethod", {}), TIMEOUT)
    # A handler that panics (a debug-build request made for this test) becomes an error response.
    with pytest.raises(JsonRpcInternalError) as e:
        await asyncio.wait_for(client.protocol.send_request_async("callc/debug/panic", None), TIMEOUT)
    assert "internal error in callc" in str(e.value)
    # A request about a document that is not open fails clearly.
    with pytest.raises(JsonRpcException) as e:
        await asyncio.wait_for(
            client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri="file:///nowhere.call"),
                    position=types.Position(line=0, character=0),
                )
            ),
            TIMEOUT,
        )
    assert "not open" in str(e.value)
    # Notifications about documents that are not open are ignored.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri="file:///nowhere.call", version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="garbage")],
        )
    )
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri="file:///nowhere.call"))
    )
    # A position far past the end is clamped, not an error.
    far = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=9999, character=9999)
        )
    )
    assert far is None
    # And the server still answers.
    h = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(**at(client, CLEAN, "docs"))), TIMEOUT)
    assert "**step** `docs`" in h.contents.value
