import { describe, expect, it } from "vitest";
import { checkConfig, ConfigError, loadConfig } from "../src/lib/config.js";

const good = {
  backendUrl: "https://api.cruddur.example/",
  region: "ca-central-1",
  userPoolId: "ca-central-1_AbC",
  userPoolClientId: "abc123",
  cognitoEndpoint: "",
};

describe("checkConfig", () => {
  it("names every missing key in one error", () => {
    expect(() => checkConfig({ region: "ca-central-1" })).toThrow(
      "missing or empty: backendUrl, userPoolId, userPoolClientId",
    );
  });

  it("treats blank values as missing", () => {
    expect(() => checkConfig({ ...good, userPoolClientId: "  " })).toThrow("missing or empty: userPoolClientId");
  });

  it("refuses a pool id from another region", () => {
    expect(() => checkConfig({ ...good, userPoolId: "us-east-1_AbC" })).toThrow(
      "userPoolId us-east-1_AbC is not a pool in region ca-central-1",
    );
  });

  it("refuses a backend URL that is not http(s)", () => {
    expect(() => checkConfig({ ...good, backendUrl: "api.cruddur.example" })).toThrow("backendUrl must be an http(s) URL");
  });

  it("accepts a complete config, trims the trailing slash, and keeps an optional emulator endpoint", () => {
    expect(checkConfig(good)).toEqual({ ...good, backendUrl: "https://api.cruddur.example" });
    expect(checkConfig({ ...good, cognitoEndpoint: "http://127.0.0.1:5005/" }).cognitoEndpoint).toBe("http://127.0.0.1:5005");
    const { cognitoEndpoint, ...withoutEndpoint } = good;
    expect(checkConfig(withoutEndpoint).cognitoEndpoint).toBe("");
  });

  it("refuses something that is not an object", () => {
    expect(() => checkConfig([])).toThrow(ConfigError);
  });
});

describe("loadConfig", () => {
  it("reads /config.json without the HTTP cache, so a changed file applies on the next load", async () => {
    const seen = [];
    const cfg = await loadConfig(async (url, init) => {
      seen.push([url, init.cache]);
      return new Response(JSON.stringify(good));
    });
    expect(seen).toEqual([["/config.json", "no-store"]]);
    expect(cfg.userPoolId).toBe("ca-central-1_AbC");
  });

  it("says which status the config file answered", async () => {
    await expect(loadConfig(async () => new Response("nope", { status: 404 }))).rejects.toThrow(
      "/config.json answered HTTP 404",
    );
  });

  it("says when the file is not JSON (an SPA fallback serving index.html, say)", async () => {
    await expect(loadConfig(async () => new Response("<!doctype html>"))).rejects.toThrow("/config.json is not valid JSON");
  });
});
