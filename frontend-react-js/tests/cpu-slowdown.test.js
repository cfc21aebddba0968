// The slowdown Lighthouse's phone is simulated with on hosts of different speeds (scripts/cpu-slowdown.mjs).
import { describe, expect, it } from "vitest";
import { cpuSlowdownFor, DEFAULT_SLOWDOWN, DEFAULT_SLOWDOWN_FROM_INDEX } from "../scripts/cpu-slowdown.mjs";

describe("cpuSlowdownFor", () => {
  it("is Lighthouse's own 4× on the hosts it is meant for, and on faster ones", () => {
    expect(DEFAULT_SLOWDOWN).toBe(4);
    for (const index of [DEFAULT_SLOWDOWN_FROM_INDEX, 2000, 2400, 5000]) expect(cpuSlowdownFor(index)).toBe(4);
  });

  it("is the same phone on a slower host: the host's time times the slowdown stays what a 1500 host's would be", () => {
    expect(cpuSlowdownFor(1000)).toBe(2.67);
    expect(cpuSlowdownFor(750)).toBe(2);
    for (const index of [600, 900, 1200, 1499]) {
      const hostTime = DEFAULT_SLOWDOWN_FROM_INDEX / index; // a 1500 host takes 1
      expect(hostTime * cpuSlowdownFor(index)).toBeCloseTo(DEFAULT_SLOWDOWN, 1);
    }
  });

  it("never speeds the page up, however slow the host", () => {
    expect(cpuSlowdownFor(375)).toBe(1);
    expect(cpuSlowdownFor(100)).toBe(1);
  });

  it("refuses a run without a benchmark rather than guessing one", () => {
    for (const index of [0, undefined, NaN, -5]) expect(() => cpuSlowdownFor(index)).toThrow(/benchmarkIndex/);
  });
});
