#!/usr/bin/env node
// Initial JavaScript cost of the production build: the entry script plus every chunk index.html
// preloads, gzipped the way nginx serves them. Lazy route chunks are not counted (they load on
// navigation). Exits 1 over the budget so `make test-frontend` fails on a regression.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = Number(process.env.INITIAL_JS_BUDGET_KB ?? 110);
const dist = process.argv[2] ?? "dist";
const html = readFileSync(join(dist, "index.html"), "utf8");

const initial = new Set();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+\.js)"/g)) initial.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) initial.add(m[1]);
if (initial.size === 0) {
  console.error(`no entry script found in ${join(dist, "index.html")}`);
  process.exit(1);
}

let totalGzip = 0;
for (const src of [...initial].sort()) {
  const bytes = readFileSync(join(dist, src.replace(/^\//, "")));
  const gz = gzipSync(bytes, { level: 9 }).length;
  totalGzip += gz;
  console.log(`${src.padEnd(48)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KB raw ${(gz / 1024).toFixed(1).padStart(7)} KB gzip`);
}
const kb = totalGzip / 1024;
console.log(`initial JS: ${kb.toFixed(1)} KB gzip (budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`initial JS is ${kb.toFixed(1)} KB gzip, over the ${BUDGET_KB} KB budget: split more routes lazily`);
  process.exit(1);
}
