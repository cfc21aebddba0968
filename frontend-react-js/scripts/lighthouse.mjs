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
import lighthouse from "lighthouse";

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

for (let run = 1; run <= Number(runs); run += 1) {
  for (const page of pages) {
    const { lhr } = await lighthouse(page.url, { port: page.port, output: "json", logLevel: "error" });
    if (lhr.runtimeError) throw new Error(`${page.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const metric = (id) => lhr.audits[id].numericValue;
    const categories = Object.keys(lhr.categories);
    console.log(
      JSON.stringify({
        name: page.name,
        run,
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
        shortfalls: Object.fromEntries(categories.map((c) => [c, shortfalls(lhr, c)])),
        layoutShifts: lhr.audits["layout-shifts"]?.details?.items ?? [],
        warnings: lhr.runWarnings,
      }),
    );
  }
}
