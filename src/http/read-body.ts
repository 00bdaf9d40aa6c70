/**
 * The one place request bodies are read (the sign-in forms, the admin API's JSON): with a
 * byte limit enforced while the body streams in, so an oversized body costs at most the
 * limit (plus the chunk that crossed it) in memory and reading, whether it declared a
 * Content-Length or came chunked without one (docs/reliability.md, request bodies).
 */
import { PayloadTooLargeError } from "../errors";

/**
 * The body as bytes, at most `maxBytes` of them. A declared Content-Length over the limit
 * is refused before anything is read; otherwise the stream is read chunk by chunk and
 * cancelled at the first chunk that takes it over the limit. Both throw
 * PayloadTooLargeError (413, field "body"). No body is an empty array.
 */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new TypeError("maxBytes must be a whole number of bytes");
  const tooLarge = () => new PayloadTooLargeError(maxBytes);
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (request.body === null) return new Uint8Array(0);

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop the sender here: nothing more is pulled, and what was read is dropped.
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
