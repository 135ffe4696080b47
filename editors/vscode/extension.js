// @ts-check
// The VS Code client of `callc lsp`: starts the language server over stdio for
// `.call` documents, restarts it when `callc.path` changes or on request, and
// says plainly what to do when the executable cannot be found.
//
// Plain JavaScript checked by TypeScript (`npm run typecheck`), so the
// extension runs without a build step.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const vscode = require("vscode");
const { LanguageClient, RevealOutputChannelOn } = require("vscode-languageclient/node");

/** The client of the running server, if one is running or starting. @type {LanguageClient | undefined} */
let client;
/** Start, stop and restart run one after the other, never interleaved. @type {Promise<void>} */
let queue = Promise.resolve();
/** Shared by every client of the session, so a restart opens no new channel. @type {vscode.OutputChannel | undefined} */
let outputChannel;
/** Where `callc.trace.server` writes. @type {vscode.OutputChannel | undefined} */
let traceOutputChannel;

/**
 * The executable named by `callc.path`: `~` is the home directory; a relative
 * path with a separator is taken from the workspace folder; a bare name is
 * left for `PATH`.
 * @param {string | undefined} configured
 * @param {string} home
 * @param {string | undefined} workspaceFolder
 * @returns {string}
 */
function resolveServerPath(configured, home, workspaceFolder) {
  const value = (configured ?? "").trim() || "callc";
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    return path.join(home, value.slice(1));
  }
  if (!path.isAbsolute(value) && /[\\/]/.test(value) && workspaceFolder !== undefined) {
    return path.resolve(workspaceFolder, value);
  }
  return value;
}

/**
 * Where `command` would be found when spawned: itself if it is a path to an
 * existing file, otherwise the first match in `PATH` (with `PATHEXT` on
 * Windows). `undefined` if there is none.
 * @param {string} command
 * @param {NodeJS.ProcessEnv} env
 * @param {NodeJS.Platform} platform
 * @returns {string | undefined}
 */
function findExecutable(command, env, platform) {
  const windows = platform === "win32";
  const extensions = windows ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean)] : [""];
  const isFile = (/** @type {string} */ p) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (/[\\/]/.test(command)) {
    return extensions.map((ext) => command + ext).find(isFile);
  }
  const dirs = (env.PATH ?? env.Path ?? "").split(windows ? ";" : path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const found = extensions.map((ext) => path.join(dir, command + ext)).find(isFile);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/**
 * `callc.path` as this workspace may set it: in an untrusted workspace only the
 * user's own setting counts, so opening a folder never runs a program it names.
 * @returns {string | undefined}
 */
function configuredPath() {
  const config = vscode.workspace.getConfiguration("callc");
  if (vscode.workspace.isTrusted) {
    return config.get("path");
  }
  const inspected = config.inspect("path");
  return /** @type {string | undefined} */ (inspected?.globalValue ?? inspected?.defaultValue);
}

/** The folder relative server paths are taken from. */
function workspaceFolderPath() {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file");
  return folder?.uri.fsPath;
}

/** Starts a client for the configured server; reports a missing executable instead. */
async function start() {
  const command = resolveServerPath(configuredPath(), os.homedir(), workspaceFolderPath());
  if (findExecutable(command, process.env, process.platform) === undefined) {
    outputChannel?.appendLine(`callc: cannot start the language server: \`${command}\` was not found.`);
    const settings = "Open Settings";
    // Not awaited: the notification stays until dismissed, and activation must not wait for it.
    void vscode.window
      .showErrorMessage(
        `callc: the language server \`${command} lsp\` cannot start: \`${command}\` was not found. ` +
          "Install callc (`cargo install --path .` in its repository) or set `callc.path` to the executable.",
        settings,
      )
      .then((choice) => {
        if (choice === settings) {
          void vscode.commands.executeCommand("workbench.action.openSettings", "callc.path");
        }
      });
    return;
  }
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = { command, args: ["lsp"] };
  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [{ language: "call" }],
    outputChannel,
    traceOutputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  // The id `callc` makes the client follow `callc.trace.server`.
  const next = new LanguageClient("callc", "callc", serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (error) {
    // The client has reported the failure in its output channel and a notification.
    client = undefined;
    outputChannel?.appendLine(`callc: the language server did not start: ${error}`);
  }
}

/** Stops the running client, if any, and waits up to 2 s for the server to exit. */
async function stop() {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.dispose(2000);
    } catch (error) {
      outputChannel?.appendLine(`callc: stopping the language server: ${error}`);
    }
  }
}

/**
 * Queues an action after the ones already queued.
 * @param {() => Promise<void>} action
 * @returns {Promise<void>}
 */
function enqueue(action) {
  queue = queue.then(action, action);
  return queue;
}

/** Stops the server and starts it again with the current settings. */
function restart() {
  return enqueue(async () => {
    await stop();
    await start();
  });
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  outputChannel = vscode.window.createOutputChannel("callc");
  traceOutputChannel = vscode.window.createOutputChannel("callc Language Server Trace");
  context.subscriptions.push(
    outputChannel,
    traceOutputChannel,
    vscode.commands.registerCommand("callc.restartServer", async () => {
      await restart();
      if (client !== undefined) {
        vscode.window.setStatusBarMessage("callc: language server restarted", 3000);
      }
    }),
    vscode.commands.registerCommand("callc.showOutput", () => outputChannel?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("callc.path")) {
        void restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
  );
  return enqueue(start);
}

/** Called when VS Code shuts the extension down: stops the server. */
function deactivate() {
  return enqueue(stop);
}

module.exports = { activate, deactivate, resolveServerPath, findExecutable };
