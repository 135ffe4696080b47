// @ts-check
// extension.js against a fake `vscode` and a fake language client: what it
// starts, when it restarts, what it says when callc is missing, and which
// settings it trusts. (VS Code itself is not run here.)
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const manifest = require("../package.json");

/** An executable file that exists on every machine that runs these tests. */
const EXISTING = process.execPath;

/**
 * A fresh copy of extension.js wired to fakes.
 * @param {{ global?: string, workspace?: string, trusted?: boolean, startFails?: boolean, answer?: string }} [options]
 */
function harness(options = {}) {
  const settings = { global: options.global, workspace: options.workspace };
  const state = {
    trusted: options.trusted ?? true,
    /** @type {FakeClient[]} */ clients: [],
    /** @type {Map<string, Function>} */ commands: new Map(),
    /** @type {{ message: string, items: string[] }[]} */ errors: [],
    /** @type {string[]} */ status: [],
    /** @type {unknown[][]} */ executed: [],
    /** @type {Function[]} */ configListeners: [],
    /** @type {Function[]} */ trustListeners: [],
    /** @type {{ name: string, lines: string[], shown: number }[]} */ channels: [],
  };

  class FakeClient {
    /**
     * @param {string} id
     * @param {string} name
     * @param {any} serverOptions
     * @param {any} clientOptions
     */
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: false, disposed: false });
      state.clients.push(this);
    }
    async start() {
      await new Promise((r) => setTimeout(r, 5));
      if (options.startFails) throw new Error("spawn failed");
      /** @type {any} */ (this).started = true;
    }
    /** @param {number} timeout */
    async dispose(timeout) {
      await new Promise((r) => setTimeout(r, 5));
      Object.assign(this, { disposed: true, disposeTimeout: timeout });
    }
  }

  const vscode = {
    window: {
      createOutputChannel: (/** @type {string} */ name) => {
        const channel = {
          name,
          /** @type {string[]} */ lines: [],
          shown: 0,
          appendLine(/** @type {string} */ l) {
            this.lines.push(l);
          },
          show() {
            this.shown++;
          },
          dispose() {},
        };
        state.channels.push(channel);
        return channel;
      },
      showErrorMessage: (/** @type {string} */ message, /** @type {string[]} */ ...items) => {
        state.errors.push({ message, items });
        // An unanswered notification never resolves.
        return options.answer === undefined ? new Promise(() => {}) : Promise.resolve(options.answer);
      },
      setStatusBarMessage: (/** @type {string} */ m) => state.status.push(m),
    },
    commands: {
      registerCommand: (/** @type {string} */ id, /** @type {Function} */ fn) => {
        state.commands.set(id, fn);
        return { dispose() {} };
      },
      executeCommand: async (/** @type {unknown[]} */ ...args) => {
        state.executed.push(args);
      },
    },
    workspace: {
      get isTrusted() {
        return state.trusted;
      },
      workspaceFolders: [{ uri: { scheme: "file", fsPath: path.join(os.tmpdir(), "project") } }],
      getConfiguration: (/** @type {string} */ section) => {
        assert.equal(section, "callc");
        return {
          get: (/** @type {string} */ key) => {
            assert.equal(key, "path");
            return settings.workspace ?? settings.global ?? "callc";
          },
          inspect: (/** @type {string} */ key) => {
            assert.equal(key, "path");
            return { defaultValue: "callc", globalValue: settings.global, workspaceValue: settings.workspace };
          },
        };
      },
      onDidChangeConfiguration: (/** @type {Function} */ l) => {
        state.configListeners.push(l);
        return { dispose() {} };
      },
      onDidGrantWorkspaceTrust: (/** @type {Function} */ l) => {
        state.trustListeners.push(l);
        return { dispose() {} };
      },
    },
  };
  const client = { LanguageClient: FakeClient, RevealOutputChannelOn: { Never: 4 } };

  const file = require.resolve("../extension.js");
  delete require.cache[file];
  const original = /** @type {any} */ (Module)._load;
  /** @type {any} */ (Module)._load = function (/** @type {string} */ request, /** @type {unknown[]} */ ...rest) {
    if (request === "vscode") return vscode;
    if (request === "vscode-languageclient/node") return client;
    return original.call(this, request, ...rest);
  };
  let extension;
  try {
    extension = require(file);
  } finally {
    /** @type {any} */ (Module)._load = original;
  }
  /** @type {{ dispose(): void }[]} */
  const subscriptions = [];
  return {
    extension,
    state,
    settings,
    context: /** @type {any} */ ({ subscriptions }),
    /** @param {string} section */
    changeSetting: (section) => state.configListeners.forEach((l) => l({ affectsConfiguration: (/** @type {string} */ s) => s === section })),
  };
}

const alive = (/** @type {any[]} */ clients) => clients.filter((c) => c.started && !c.disposed);

test("activation starts `callc lsp` over stdio for documents of language `call`", async () => {
  const h = harness({ global: EXISTING });
  await h.extension.activate(h.context);
  assert.equal(h.state.clients.length, 1);
  const [c] = /** @type {any[]} */ (h.state.clients);
  assert.equal(c.id, "callc", "the id under which the client reads `callc.trace.server`");
  assert.deepEqual(c.serverOptions, { command: EXISTING, args: ["lsp"] });
  assert.equal(c.serverOptions.transport, undefined, "a transport would add `--stdio`, which `callc lsp` rejects");
  assert.deepEqual(c.clientOptions.documentSelector, [{ language: "call" }]);
  assert.ok(c.started);
  assert.deepEqual(
    h.state.channels.map((ch) => ch.name),
    ["callc", "callc Language Server Trace"],
  );
  assert.equal(c.clientOptions.outputChannel, h.state.channels[0]);
  assert.equal(c.clientOptions.traceOutputChannel, h.state.channels[1]);
  assert.deepEqual(h.state.errors, []);
});

test("the commands registered are the ones package.json declares", async () => {
  const h = harness({ global: EXISTING });
  await h.extension.activate(h.context);
  assert.deepEqual(
    [...h.state.commands.keys()].sort(),
    manifest.contributes.commands.map((/** @type {{ command: string }} */ c) => c.command).sort(),
  );
  await h.state.commands.get("callc.showOutput")?.();
  assert.equal(h.state.channels[0].shown, 1);
});

test("restarting stops the old server before starting a new one, with the same output channel", async () => {
  const h = harness({ global: EXISTING });
  await h.extension.activate(h.context);
  await h.state.commands.get("callc.restartServer")?.();
  const [first, second] = /** @type {any[]} */ (h.state.clients);
  assert.ok(first.disposed, "the first server is stopped");
  assert.equal(first.disposeTimeout, 2000);
  assert.ok(second.started && !second.disposed);
  assert.equal(second.clientOptions.outputChannel, first.clientOptions.outputChannel);
  assert.deepEqual(h.state.status, ["callc: language server restarted"]);
});

test("restarts requested together run one after the other", async () => {
  const h = harness({ global: EXISTING });
  await h.extension.activate(h.context);
  const restart = h.state.commands.get("callc.restartServer");
  await Promise.all([restart?.(), restart?.(), restart?.()]);
  assert.equal(h.state.clients.length, 4);
  assert.equal(alive(h.state.clients).length, 1, "exactly one server runs");
  assert.equal(alive(h.state.clients)[0], h.state.clients[3]);
});

test("changing `callc.path` restarts the server with the new executable; other settings do not", async () => {
  const h = harness({ global: EXISTING });
  await h.extension.activate(h.context);
  h.changeSetting("callc.trace.server");
  h.changeSetting("editor.tabSize");
  await h.extension.deactivate();
  assert.equal(h.state.clients.length, 1);

  const g = harness({ global: "callc-that-does-not-exist" });
  await g.extension.activate(g.context);
  assert.equal(g.state.clients.length, 0);
  g.settings.global = EXISTING;
  g.changeSetting("callc.path");
  await g.extension.deactivate(); // queued after the restart: waits for it
  assert.equal(g.state.clients.length, 1);
  assert.equal(/** @type {any} */ (g.state.clients[0]).serverOptions.command, EXISTING);
});

test("a missing executable gets one clear message, and activation does not wait for it", { timeout: 5000 }, async () => {
  const h = harness({ global: "callc-that-does-not-exist" });
  await h.extension.activate(h.context); // would hang if activation awaited the notification
  assert.equal(h.state.clients.length, 0, "no client is started for a missing executable");
  assert.equal(h.state.errors.length, 1);
  const [{ message, items }] = h.state.errors;
  assert.match(message, /`callc-that-does-not-exist lsp` cannot start/);
  assert.match(message, /`callc\.path`/);
  assert.match(message, /cargo install --path \./);
  assert.deepEqual(items, ["Open Settings"]);
  assert.match(h.state.channels[0].lines.join("\n"), /callc-that-does-not-exist/);
});

test("the message's button opens the `callc.path` setting", async () => {
  const h = harness({ global: "callc-that-does-not-exist", answer: "Open Settings" });
  await h.extension.activate(h.context);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(h.state.executed, [["workbench.action.openSettings", "callc.path"]]);
});

test("a server that fails to start leaves no client behind, and a restart tries again", async () => {
  const h = harness({ global: EXISTING, startFails: true });
  await h.extension.activate(h.context);
  assert.equal(h.state.clients.length, 1);
  assert.match(h.state.channels[0].lines.join("\n"), /did not start: Error: spawn failed/);
  await h.state.commands.get("callc.restartServer")?.();
  assert.equal(h.state.clients.length, 2);
  assert.deepEqual(h.state.status, [], "no 'restarted' message when it did not start");
});

test("an untrusted workspace cannot choose the executable; granting trust restarts with its choice", async () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), "callc-ext-"));
  const workspaceCallc = path.join(other, "callc");
  fs.writeFileSync(workspaceCallc, "");
  try {
    const h = harness({ global: EXISTING, workspace: workspaceCallc, trusted: false });
    await h.extension.activate(h.context);
    assert.equal(/** @type {any} */ (h.state.clients[0]).serverOptions.command, EXISTING);
    h.state.trusted = true;
    h.state.trustListeners.forEach((l) => l());
    await h.extension.deactivate();
    assert.equal(/** @type {any} */ (h.state.clients[1]).serverOptions.command, workspaceCallc);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test("deactivation stops the server", async () => {
  const h = harness({ global: EXISTING });
  await h.extension.activate(h.context);
  await h.extension.deactivate();
  assert.ok(/** @type {any} */ (h.state.clients[0]).disposed);
  assert.equal(alive(h.state.clients).length, 0);
});

test("resolveServerPath: PATH names, ~, workspace-relative and absolute paths", () => {
  const { resolveServerPath } = harness().extension;
  const home = path.join(path.sep, "home", "李明");
  const ws = path.join(path.sep, "work", "续约");
  assert.equal(resolveServerPath(undefined, home, ws), "callc");
  assert.equal(resolveServerPath("  ", home, ws), "callc");
  assert.equal(resolveServerPath("callc-dev", home, ws), "callc-dev", "a bare name is looked up on PATH");
  assert.equal(resolveServerPath("~/bin/callc", home, ws), path.join(home, "bin", "callc"));
  assert.equal(resolveServerPath("~", home, ws), home);
  assert.equal(resolveServerPath("target/debug/callc", home, ws), path.join(ws, "target", "debug", "callc"));
  assert.equal(resolveServerPath("./callc", home, undefined), "./callc", "no folder: left as is");
  assert.equal(resolveServerPath(EXISTING, home, ws), EXISTING);
});

test("findExecutable: a path, a PATH lookup, and PATHEXT on Windows", () => {
  const { findExecutable } = harness().extension;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callc-bin-"));
  try {
    const exe = path.join(dir, "callc");
    fs.writeFileSync(exe, "");
    fs.writeFileSync(path.join(dir, "callc-win.EXE"), "");
    fs.mkdirSync(path.join(dir, "a-directory"));
    assert.equal(findExecutable(exe, {}, "linux"), exe);
    assert.equal(findExecutable(path.join(dir, "nope"), {}, "linux"), undefined);
    assert.equal(findExecutable("callc", { PATH: ["/nonexistent", dir].join(path.delimiter) }, "linux"), exe);
    assert.equal(findExecutable("callc", { PATH: "/nonexistent" }, "linux"), undefined);
    assert.equal(findExecutable("a-directory", { PATH: dir }, "linux"), undefined, "a directory is not a program");
    assert.equal(findExecutable("callc", {}, "linux"), undefined, "no PATH at all");
    assert.equal(
      findExecutable("callc-win", { Path: `C:\\nowhere;${dir}`, PATHEXT: ".COM;.EXE" }, "win32"),
      path.join(dir, "callc-win.EXE"),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
