// The vapi target's files read as Vapi GitOps reads them, and their texts
// rendered by LiquidJS, the template engine Vapi fills variables with.
// Driven by check.py; the packages (yaml, the YAML reader GitOps uses, and
// liquidjs) are the ones package.json pins, installed by .ci/vapi.sh into
// CALLC_VAPI_NODE_MODULES (outside the clone).
//
//   node gitops.cjs load DIR   -> JSON: every resource under DIR
//   node gitops.cjs render     -> stdin: [{template, scope, strict}];
//                                 stdout: [{ok, text} | {ok: false, error}]
//
// How GitOps reads a resources folder (github.com/VapiAI/gitops,
// src/resource-parse.ts, restated here):
// - each resource type has its folder (assistants, structuredOutputs,
//   simulations/personalities, simulations/scenarios, simulations/tests,
//   simulations/suites, …), read recursively; names starting with `.` are
//   skipped; `.yml`, `.yaml`, `.md` (and `.ts`) are resources, anything else
//   is skipped with a warning;
// - a resource's id is its path under its type's folder, without the
//   extension; two files with the same id are an error;
// - a `.yml` file is one YAML mapping (yaml's `parse`);
// - a `.md` file starts with a line `---`; its YAML header runs up to the
//   first line feed that `---` follows (a CR before that line feed is not
//   part of it); after that `---`, one optional CR and one optional LF are
//   skipped and the rest, trimmed, is the system prompt: it becomes
//   `model.messages[0]` (`{role: system}`), before the header's own
//   messages that are not system messages.
"use strict";

const fs = require("fs");
const path = require("path");

const modules = process.env.CALLC_VAPI_NODE_MODULES;
if (!modules) {
  console.error("CALLC_VAPI_NODE_MODULES is not set: where are liquidjs and yaml installed?");
  process.exit(2);
}
const YAML = require(path.join(modules, "yaml"));
const { Liquid } = require(path.join(modules, "liquidjs"));

const FOLDERS = {
  tools: "tools",
  structuredOutputs: "structuredOutputs",
  assistants: "assistants",
  squads: "squads",
  personalities: "simulations/personalities",
  scenarios: "simulations/scenarios",
  simulations: "simulations/tests",
  simulationSuites: "simulations/suites",
  evals: "evals",
};
const EXTENSIONS = [".yml", ".yaml", ".ts", ".md"];

function scan(dir, out, warnings, root) {
  for (const entry of fs.readdirSync(dir).sort()) {
    if (entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (fs.statSync(full).isDirectory()) scan(full, out, warnings, root);
    else if (EXTENSIONS.includes(path.extname(entry))) out.push(full);
    else warnings.push(`skipped (not a resource): ${path.relative(root, full)}`);
  }
}

// The header and the body of a `.md` resource (see the comment at the top).
function frontmatter(text) {
  let start;
  if (text.startsWith("---\n")) start = 4;
  else if (text.startsWith("---\r\n")) start = 5;
  else throw new Error("no frontmatter: the file does not start with a line `---`");
  const close = text.indexOf("\n---", start);
  if (close < 0) throw new Error("no frontmatter: no line `---` ends the YAML header");
  const headerEnd = close > start && text[close - 1] === "\r" ? close - 1 : close;
  let rest = close + 4;
  if (text[rest] === "\r") rest += 1;
  if (text[rest] === "\n") rest += 1;
  return { header: text.slice(start, headerEnd), body: text.slice(rest).trim() };
}

function parseYaml(text) {
  // yaml's `parse` throws on errors; warnings are errors here too.
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join("; "));
  if (doc.warnings.length) throw new Error(doc.warnings.map((e) => e.message).join("; "));
  return doc.toJS();
}

function loadFile(file) {
  const text = fs.readFileSync(file, "utf-8");
  if (path.extname(file) === ".md") {
    const { header, body } = frontmatter(text);
    const config = parseYaml(header);
    if (config === null || typeof config !== "object" || Array.isArray(config))
      throw new Error("the YAML header is not a mapping");
    if (body) {
      const model = config.model && typeof config.model === "object" ? config.model : {};
      const kept = Array.isArray(model.messages) ? model.messages.filter((m) => m.role !== "system") : [];
      model.messages = [{ role: "system", content: body }, ...kept];
      config.model = model;
    }
    return config;
  }
  if (path.extname(file) === ".ts") throw new Error("a .ts resource: callc writes none");
  const data = parseYaml(text);
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new Error("the YAML file is not a mapping");
  return data;
}

function load(root) {
  const resources = [];
  const errors = [];
  const warnings = [];
  for (const [type, folder] of Object.entries(FOLDERS)) {
    const dir = path.join(root, folder);
    if (!fs.existsSync(dir)) continue;
    const files = [];
    scan(dir, files, warnings, root);
    const seen = new Map();
    for (const file of files) {
      const rel = path.relative(dir, file);
      const id = rel.slice(0, -path.extname(rel).length).split(path.sep).join("/");
      if (seen.has(id)) errors.push(`${type}/${id}: two files have this id (${seen.get(id)}, ${rel})`);
      seen.set(id, rel);
      try {
        resources.push({ type, id, file: path.relative(root, file), data: loadFile(file) });
      } catch (e) {
        errors.push(`${path.relative(root, file)}: ${e.message}`);
      }
    }
  }
  // Files outside every type's folder are not read by GitOps at all.
  const all = [];
  scan(root, all, [], root);
  const inFolders = new Set(resources.map((r) => r.file));
  for (const file of all) {
    const rel = path.relative(root, file);
    if (!inFolders.has(rel) && !errors.some((e) => e.startsWith(rel + ":")))
      warnings.push(`not in any resource folder: ${rel}`);
  }
  return { resources, errors, warnings };
}

async function render(jobs) {
  const out = [];
  for (const job of jobs) {
    const engine = new Liquid({ strictVariables: !!job.strict, strictFilters: true });
    try {
      out.push({ ok: true, text: await engine.parseAndRender(job.template, job.scope || {}) });
    } catch (e) {
      out.push({ ok: false, error: String(e.message || e) });
    }
  }
  return out;
}

async function main() {
  const [mode, arg] = process.argv.slice(2);
  if (mode === "load") {
    process.stdout.write(JSON.stringify(load(arg)));
  } else if (mode === "render") {
    const jobs = JSON.parse(fs.readFileSync(0, "utf-8"));
    process.stdout.write(JSON.stringify(await render(jobs)));
  } else {
    console.error("usage: node gitops.cjs load DIR | render < jobs.json");
    process.exit(2);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
