#!/usr/bin/env node
// @ts-check
// Snapshot test of the grammar over the project's example specs: every token
// of specs/*.call with its scopes, as test/snap/NAME.call.snap.
//
// vscode-tmgrammar-snap keeps FILE.snap beside FILE, and specs/ belongs to the
// compiler, so each spec is copied with its snapshot into a temporary folder
// and checked there. A spec without a snapshot fails (the tool would silently
// create one); so does a snapshot whose spec is gone.
//
//   node test/snapshots.js            check
//   node test/snapshots.js --update   rewrite the snapshots (read the diff before committing)
"use strict";

const cp = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
const specs = path.join(root, "..", "..", "specs");
const snaps = path.join(__dirname, "snap");
const update = process.argv.includes("--update");

const names = fs
  .readdirSync(specs)
  .filter((f) => f.endsWith(".call"))
  .sort();
if (names.length === 0) {
  console.error(`no .call files in ${specs}`);
  process.exit(1);
}
fs.mkdirSync(snaps, { recursive: true });
const stale = fs
  .readdirSync(snaps)
  .filter((f) => f.endsWith(".snap") && !names.includes(f.slice(0, -".snap".length)));
const missing = names.filter((n) => !fs.existsSync(path.join(snaps, `${n}.snap`)));
if (!update && (stale.length > 0 || missing.length > 0)) {
  for (const n of missing) console.error(`no snapshot for specs/${n}: run \`npm run snap:update\` and review test/snap/${n}.snap`);
  for (const s of stale) console.error(`test/snap/${s} has no spec in specs/: run \`npm run snap:update\` to delete it`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "callc-snap-"));
try {
  for (const n of names) {
    fs.copyFileSync(path.join(specs, n), path.join(tmp, n));
    if (fs.existsSync(path.join(snaps, `${n}.snap`))) {
      fs.copyFileSync(path.join(snaps, `${n}.snap`), path.join(tmp, `${n}.snap`));
    }
  }
  const tool = require.resolve("vscode-tmgrammar-test/dist/snapshot.js");
  const args = [tool, "--config", path.join(root, "package.json"), ...(update ? ["--updateSnapshot"] : [])];
  const run = cp.spawnSync(process.execPath, [...args, ...names.map((n) => path.join(tmp, n))], {
    cwd: root,
    stdio: "inherit",
  });
  if (run.status !== 0) {
    console.error(
      `grammar snapshots differ from test/snap/ (above). If the change is intended, run \`npm run snap:update\` and review the diff.`,
    );
    process.exit(1);
  }
  if (update) {
    for (const n of names) fs.copyFileSync(path.join(tmp, `${n}.snap`), path.join(snaps, `${n}.snap`));
    for (const s of stale) fs.rmSync(path.join(snaps, s));
    console.log(`updated ${names.length} snapshots in test/snap/`);
  } else {
    console.log(`grammar snapshots: ${names.length} specs match test/snap/`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
