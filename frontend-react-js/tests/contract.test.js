// The web app's copy of the API's rules, compared with the API's own OpenAPI documents. The web app
// cannot read them at build time (its image is built from frontend-react-js/ alone), so the limits are
// constants in src/lib/ and this test keeps them honest: it lists every length limit and every choice
// the API puts on a field or query parameter the web app sends, so a changed limit, and a new one the
// web app does not know yet, both fail here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_TTL, MAX_CRUD_LENGTH, MAX_SEARCH_TERM_LENGTH, TTLS } from "../src/lib/activities.js";
import { AVATAR_TYPES } from "../src/lib/avatars.js";
import { MAX_MESSAGE_LENGTH } from "../src/lib/messages.js";
import { HANDLE_PATTERN, MAX_BIO_LENGTH, MAX_DISPLAY_NAME_LENGTH } from "../src/lib/users.js";

const OPENAPI = join(import.meta.dirname, "../../backend-flask/cruddur/openapi");
const documents = readdirSync(OPENAPI)
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => parse(readFileSync(join(OPENAPI, name), "utf8")));
const sharedParameters = Object.assign({}, ...documents.map((d) => d.components?.parameters));
const resolve = (p) => (p.$ref ? sharedParameters[p.$ref.replace("#/components/parameters/", "")] : p);

/** "POST /api/activities body.message maxLength" → 280, for every maxLength and enum of a request. */
function requestRules() {
  const rules = {};
  const collect = (where, schema) => {
    if (schema.maxLength !== undefined) rules[`${where} maxLength`] = schema.maxLength;
    if (schema.enum !== undefined) rules[`${where} enum`] = schema.enum;
  };
  for (const doc of documents) {
    for (const [path, operations] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(operations)) {
        const operation = `${method.toUpperCase()} ${path}`;
        for (const param of (op.parameters ?? []).map(resolve)) {
          if (param.in === "query") collect(`${operation} query.${param.name}`, param.schema);
        }
        const body = op.requestBody?.content?.["application/json"]?.schema;
        for (const [field, schema] of Object.entries(body?.properties ?? {})) collect(`${operation} body.${field}`, schema);
      }
    }
  }
  return rules;
}

describe("the web app's limits are the API's", () => {
  it("uses the API's length limit and choices for every field and query parameter it sends", () => {
    expect({
      "POST /api/activities body.message maxLength": MAX_CRUD_LENGTH,
      "POST /api/activities body.ttl enum": TTLS.map((t) => t.value),
      "POST /api/activities/{activity_uuid}/reply body.message maxLength": MAX_CRUD_LENGTH,
      "GET /api/activities/search query.term maxLength": MAX_SEARCH_TERM_LENGTH,
      "POST /api/profile/update body.display_name maxLength": MAX_DISPLAY_NAME_LENGTH,
      "POST /api/profile/update body.bio maxLength": MAX_BIO_LENGTH,
      "POST /api/messages body.message maxLength": MAX_MESSAGE_LENGTH,
      "POST /api/profile/avatar/uploads body.content_type enum": AVATAR_TYPES,
    }).toEqual(requestRules());
  });

  it("preselects a time to live the API accepts", () => {
    expect(TTLS.map((t) => t.value)).toContain(DEFAULT_TTL);
  });

  it("accepts at sign-up exactly the handles the API's paths accept", () => {
    expect(`^${HANDLE_PATTERN}$`).toBe(sharedParameters.handle.schema.pattern);
  });
});
