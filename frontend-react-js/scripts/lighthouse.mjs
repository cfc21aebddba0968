#!/usr/bin/env node
// Lighthouse's mobile profile (its defaults: a mid-range phone, simulated slow 4G and 4× CPU slowdown) on
// pages of a running Cruddur, each in a Chromium the caller started with --remote-debugging-port. Lighthouse
// keeps a page's localStorage between runs, so a Chromium someone signed in to stays signed in
// (e2e/test_lighthouse.py does that, then judges what this prints).
//
//   node scripts/lighthouse.mjs RUNS '[{"name": "home", "url": "http://…/", "port": 9222}, …]'
//
// Prints one JSON line per run. Runs go round the pages (every page once, then again), so a moment when the
// machine is busy lands on one run of several pages rather than on every run of one page.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import lighthouse, { Audit, defaultConfig, Gatherer } from "lighthouse";
import { cpuSlowdownFor } from "./cpu-slowdown.mjs";

const [runs, pagesJson] = process.argv.slice(2);
const pages = JSON.parse(pagesJson ?? "[]");
if (!(Number(runs) > 0) || pages.length === 0) {
  console.error("usage: node scripts/lighthouse.mjs RUNS '[{\"name\", \"url\", \"port\"}, …]'");
  process.exit(2);
}

/** What keeps a category under 100: its weighted audits that did not pass, with their own words. */
function shortfalls(lhr, category) {
  return lhr.categories[category].auditRefs
    .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
    .map((ref) => {
      const audit = lhr.audits[ref.id];
      return { id: ref.id, score: audit.score, value: audit.displayValue ?? "", title: audit.title };
    });
}

/**
 * Every layout shift the page itself saw, with the elements that moved. Lighthouse's own `layout-shifts`
 * audit cannot say: with this Chromium its RootCauses gatherer fails, so the audit has no details, and its
 * trace engine drops the shifts flagged `had_recent_input`, which Lighthouse's CLS still counts in the first
 * 500 ms (its own viewport emulation sets that flag). The page's buffered `layout-shift` entries have both.
 */
class LayoutShiftSources extends Gatherer {
  meta = { supportedModes: ["navigation"] };

  getArtifact(context) {
    return context.driver.executionContext.evaluate(shiftsSeenByThePage, { args: [] });
  }
}

/** Runs in the page, so it names its helpers inside. */
function shiftsSeenByThePage() {
  const describe = (node) => {
    if (!node) return "(gone from the page)";
    const path = [];
    for (let el = node.nodeType === 1 ? node : node.parentElement; el && el !== document.body; el = el.parentElement) {
      const classes = [...el.classList].map((c) => `.${c}`).join("");
      path.unshift(el.id ? `${el.localName}#${el.id}` : `${el.localName}${classes}`);
    }
    const text = (node.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 60);
    return `${path.join(" > ")} "${text}"`;
  };
  const rect = (r) => [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  return new Promise((resolve) => {
    const seen = [];
    const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
    observer.observe({ type: "layout-shift", buffered: true });
    // Buffered entries arrive in the observer's first callback; a page without shifts never calls it.
    setTimeout(() => {
      observer.disconnect();
      resolve(
        seen.map((e) => ({
          atMs: Math.round(e.startTime),
          score: Number(e.value.toFixed(4)),
          hadRecentInput: e.hadRecentInput,
          moved: e.sources.map((s) => ({ node: describe(s.node), from: rect(s.previousRect), to: rect(s.currentRect) })),
        })),
      );
    }, 200);
  });
}

// Lighthouse gathers only what some audit in a category asks for, so this one, weightless in Performance, hands
// the shifts over.
class LayoutShiftSourcesAudit extends Audit {
  static get meta() {
    return {
      id: "layout-shift-sources",
      title: "Layout shifts the page saw",
      description: "Each shift with the elements that moved (scripts/lighthouse.mjs).",
      scoreDisplayMode: Audit.SCORING_MODES.INFORMATIVE,
      requiredArtifacts: ["LayoutShiftSources"],
    };
  }

  static audit(artifacts) {
    return { score: null, details: { type: "debugdata", shifts: artifacts.LayoutShiftSources } };
  }
}

const config = {
  ...defaultConfig,
  artifacts: [...defaultConfig.artifacts, { id: "LayoutShiftSources", gatherer: { instance: new LayoutShiftSources() } }],
  audits: [...defaultConfig.audits, { implementation: LayoutShiftSourcesAudit }],
  categories: {
    ...defaultConfig.categories,
    performance: {
      ...defaultConfig.categories.performance,
      auditRefs: [...defaultConfig.categories.performance.auditRefs, { id: "layout-shift-sources", weight: 0 }],
    },
  },
};

/**
 * One Lighthouse run in its two documented halves: gather the page here (unthrottled: simulated throttling
 * slows nothing down while it records), then audit the saved trace with the CPU slowdown this host needs
 * (cpu-slowdown.mjs), which is only known once the gather has measured the host's benchmarkIndex.
 */
async function run(page) {
  const saved = await mkdtemp(path.join(tmpdir(), "cruddur-lighthouse-"));
  try {
    const flags = { port: page.port, logLevel: "error" };
    await lighthouse(page.url, { ...flags, gatherMode: saved }, config);
    const artifactsFile = path.join(saved, "artifacts.json");
    const artifacts = JSON.parse(await readFile(artifactsFile, "utf8"));
    const throttling = { ...artifacts.settings.throttling, cpuSlowdownMultiplier: cpuSlowdownFor(artifacts.BenchmarkIndex) };
    // Lighthouse audits only with the settings it gathered with; the slowdown is the one it did not apply.
    artifacts.settings.throttling = throttling;
    await writeFile(artifactsFile, JSON.stringify(artifacts));
    const { lhr } = await lighthouse(page.url, { ...flags, auditMode: saved }, { ...config, settings: { ...config.settings, throttling } });
    return lhr;
  } finally {
    await rm(saved, { recursive: true, force: true });
  }
}

for (let round = 1; round <= Number(runs); round += 1) {
  for (const page of pages) {
    const lhr = await run(page);
    if (lhr.runtimeError) throw new Error(`${page.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const metric = (id) => lhr.audits[id].numericValue;
    const categories = Object.keys(lhr.categories);
    console.log(
      JSON.stringify({
        name: page.name,
        run: round,
        url: page.url,
        finalUrl: lhr.finalDisplayedUrl,
        scores: Object.fromEntries(categories.map((c) => [c, Math.round(lhr.categories[c].score * 100)])),
        metrics: {
          fcp: metric("first-contentful-paint"),
          lcp: metric("largest-contentful-paint"),
          tbt: metric("total-blocking-time"),
          cls: metric("cumulative-layout-shift"),
          si: metric("speed-index"),
        },
        // Lighthouse's own measure of how fast the machine was at this moment (higher is faster).
        benchmarkIndex: lhr.environment.benchmarkIndex,
        cpuSlowdown: lhr.configSettings.throttling.cpuSlowdownMultiplier,
        shortfalls: Object.fromEntries(categories.map((c) => [c, shortfalls(lhr, c)])),
        layoutShifts: lhr.audits["layout-shift-sources"].details?.shifts ?? lhr.audits["layout-shift-sources"].errorMessage,
        warnings: lhr.runWarnings,
      }),
    );
  }
}
