// Runtime configuration: one build serves every environment, because the settings come from
// /config.json, written when the web server's container starts (or by the dev server), never baked in.

const REQUIRED_KEYS = ["backendUrl", "region", "userPoolId", "userPoolClientId"];

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

let current = null;

/** Validate a parsed config.json; returns the normalised config or throws one error naming every problem. */
export function checkConfig(raw) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError("/config.json must be a JSON object");
  }
  const missing = REQUIRED_KEYS.filter((key) => typeof raw[key] !== "string" || raw[key].trim() === "");
  const problems = [];
  if (missing.length) problems.push(`missing or empty: ${missing.join(", ")}`);
  const endpoint = raw.cognitoEndpoint ?? "";
  if (typeof endpoint !== "string") problems.push("cognitoEndpoint must be a string (\"\" means real AWS)");
  if (!missing.includes("backendUrl") && !/^https?:\/\/[^/]/.test(raw.backendUrl)) {
    problems.push(`backendUrl must be an http(s) URL, got ${JSON.stringify(raw.backendUrl)}`);
  }
  if (!missing.includes("userPoolId") && !missing.includes("region") && !raw.userPoolId.startsWith(`${raw.region}_`)) {
    // Amplify derives the region from the pool id; a mismatch would silently talk to the wrong region.
    problems.push(`userPoolId ${raw.userPoolId} is not a pool in region ${raw.region}`);
  }
  if (problems.length) throw new ConfigError(`/config.json is not usable: ${problems.join("; ")}`);
  return Object.freeze({
    backendUrl: raw.backendUrl.replace(/\/+$/, ""),
    region: raw.region,
    userPoolId: raw.userPoolId,
    userPoolClientId: raw.userPoolClientId,
    cognitoEndpoint: endpoint.replace(/\/+$/, ""),
  });
}

/** Fetch, check and remember /config.json. `no-store` so a changed file takes effect on the next load. */
export async function loadConfig(fetchImpl = globalThis.fetch) {
  let res;
  try {
    res = await fetchImpl("/config.json", { cache: "no-store" });
  } catch {
    throw new ConfigError("/config.json could not be fetched");
  }
  if (!res.ok) throw new ConfigError(`/config.json answered HTTP ${res.status}`);
  let raw;
  try {
    raw = await res.json();
  } catch {
    throw new ConfigError("/config.json is not valid JSON");
  }
  return installConfig(raw);
}

/** Check and install a config (loadConfig's second half; tests install theirs the same way). */
export function installConfig(raw) {
  current = checkConfig(raw);
  return current;
}

export function config() {
  if (!current) throw new ConfigError("configuration read before /config.json was loaded");
  return current;
}
