/**
 * Request bodies are limited while they stream (src/http/read-body.ts): the sign-in forms
 * and every admin JSON body answer 413 after at most the limit (plus the chunk that crossed
 * it) has been read, chunked bodies with no Content-Length included.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../src/http/json-body";
import { readBodyWithLimit } from "../src/http/read-body";
import { MAX_FORM_BYTES } from "../src/login/form";
import { MAX_NEXT_FIELD } from "../src/routes/login";
import { ADMIN_BASE } from "./admin-client";
import { askForLink, EDGE, latestMail, linkFields, makeUser, PREFIX, postForm, randomIp } from "./login-helpers";

const CHUNK_BYTES = 1024;
const SENT_BYTES = 8 * 1024 * 1024;

/** A chunked body of `total` bytes that counts what the reader pulled; nothing is made before it is asked for. */
function countingStream(total: number, fill = "a"): { body: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  const chunk = new TextEncoder().encode(fill.repeat(CHUNK_BYTES));
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const piece = chunk.slice(0, Math.min(CHUNK_BYTES, total - pulled));
        pulled += piece.byteLength;
        controller.enqueue(piece);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, pulled: () => pulled, cancelled: () => cancelled };
}

describe("readBodyWithLimit", () => {
  it("reads a chunked body up to the limit and stops at the chunk that crosses it", async () => {
    const source = countingStream(SENT_BYTES);
    const request = new Request("http://x/", { method: "POST", body: source.body });
    expect(request.headers.get("Content-Length")).toBeNull();
    await expect(readBodyWithLimit(request, 4096)).rejects.toMatchObject({ status: 413, code: "payload_too_large", field: "body" });
    expect(source.pulled()).toBeLessThanOrEqual(4096 + CHUNK_BYTES);
    expect(source.cancelled()).toBe(true);
  });

  it("returns a body of exactly the limit whole", async () => {
    const source = countingStream(4096, "b");
    const bytes = await readBodyWithLimit(new Request("http://x/", { method: "POST", body: source.body }), 4096);
    expect(new TextDecoder().decode(bytes)).toBe("b".repeat(4096));
  });

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const source = countingStream(SENT_BYTES);
    const request = new Request("http://x/", { method: "POST", body: source.body, headers: { "Content-Length": String(SENT_BYTES) } });
    await expect(readBodyWithLimit(request, 4096)).rejects.toMatchObject({ status: 413 });
    expect(source.pulled()).toBeLessThanOrEqual(CHUNK_BYTES);
  });
});

/** An 8 MiB chunked body through the worker's own fetch: status, JSON or HTML, and how much of it was read. */
async function sendChunked(url: string, headers: Record<string, string>) {
  const source = countingStream(SENT_BYTES);
  const response = await exports.default.fetch(url, { method: "POST", headers, body: source.body, redirect: "manual" });
  const text = await response.text();
  return { status: response.status, text, contentType: response.headers.get("Content-Type") ?? "", pulled: source.pulled() };
}

describe("the sign-in forms", () => {
  for (const path of ["/login", "/code", "/link"]) {
    it(`answer an 8 MiB chunked POST ${path} with 413 after reading at most ${MAX_FORM_BYTES} bytes`, async () => {
      const sent = await sendChunked(`${EDGE}${PREFIX}${path}`, {
        Origin: EDGE,
        "Content-Type": "application/x-www-form-urlencoded",
        "CF-Connecting-IP": randomIp(),
        Accept: "text/html",
      });
      expect(sent.status).toBe(413);
      expect(sent.contentType).toContain("text/html");
      expect(sent.text).toContain("That request was too large");
      // The worker reads the limit and the chunk that crossed it; the pipe between the caller
      // and the worker holds one chunk more. Of 8 MiB sent, 10 KiB were pulled.
      expect(sent.pulled).toBeLessThanOrEqual(MAX_FORM_BYTES + 2 * CHUNK_BYTES);
    });
  }

  it("read the largest form our pages send: a valid link with a 4,096-character next of 3-byte characters", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = { ...linkFields((await latestMail(user.email)).link), next: `/${"€".repeat(MAX_NEXT_FIELD - 1)}` };
    expect(new URLSearchParams(fields).toString().length).toBeGreaterThan(36_000);
    expect((await postForm(`${PREFIX}/link`, fields)).status).toBe(303);
  });

  it("still read a form of exactly the limit", async () => {
    const fields = "email=x%40example.com&next=%2F&pad=";
    const filler = `${fields}${"a".repeat(MAX_FORM_BYTES - fields.length)}`;
    expect(filler.length).toBe(MAX_FORM_BYTES);
    const response = await exports.default.fetch(`${EDGE}${PREFIX}/login`, {
      method: "POST",
      headers: { Origin: EDGE, "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp(), Accept: "text/html" },
      body: filler,
    });
    expect(response.status).toBe(200);
    const over = await exports.default.fetch(`${EDGE}${PREFIX}/login`, {
      method: "POST",
      headers: { Origin: EDGE, "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp(), Accept: "text/html" },
      body: `${filler}a`,
    });
    expect(over.status).toBe(413);
  });
});

describe("multipart sign-in forms", () => {
  it("are still read, boundary and all, from the bytes read within the limit", async () => {
    const user = await makeUser();
    const form = new FormData();
    form.set("email", user.email);
    form.set("next", "/docs");
    const response = await exports.default.fetch(`${EDGE}${PREFIX}/login`, {
      method: "POST",
      headers: { Origin: EDGE, "CF-Connecting-IP": randomIp(), Accept: "text/html" },
      body: form,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(user.email);
  });
});

describe("the admin API", () => {
  it(`answers an 8 MiB chunked body on every endpoint that reads one with 413 JSON after at most ${MAX_JSON_BODY_BYTES} bytes`, async () => {
    const user = await makeUser();
    const paths = [
      ["POST", "/users"],
      ["PATCH", `/users/${user.id}`],
      ["POST", `/users/${user.id}/tokens`],
      ["POST", `/users/${user.id}/revoke-tokens`],
      ["POST", "/tokens/revoke"],
      ["POST", `/users/${user.id}/service-tokens`],
      ["POST", `/users/${user.id}/share-links`],
      ["POST", `/users/${user.id}/sessions/revoke`],
    ] as const;
    for (const [method, path] of paths) {
      const source = countingStream(SENT_BYTES);
      const response = await exports.default.fetch(`${ADMIN_BASE}${path}`, {
        method,
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
        body: source.body,
      });
      expect({ path, status: response.status, body: await response.json() }).toEqual({
        path,
        status: 413,
        body: { error: "payload_too_large", message: `The body must be at most ${MAX_JSON_BODY_BYTES} bytes`, field: "body" },
      });
      expect(source.pulled(), path).toBeLessThanOrEqual(MAX_JSON_BODY_BYTES + 2 * CHUNK_BYTES);
    }
  });

  it("reads a JSON body of exactly the limit and refuses one byte more", async () => {
    const headers = { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" };
    const padded = (bytes: number) => `{"email":"x@example.com"}${" ".repeat(bytes - 25)}`;
    const atLimit = await exports.default.fetch(`${ADMIN_BASE}/users`, { method: "POST", headers, body: padded(MAX_JSON_BODY_BYTES) });
    expect(atLimit.status).not.toBe(413);
    const over = await exports.default.fetch(`${ADMIN_BASE}/users`, { method: "POST", headers, body: padded(MAX_JSON_BODY_BYTES + 1) });
    expect(over.status).toBe(413);
  });
});
