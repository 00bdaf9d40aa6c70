/**
 * Is a redirect target off this site? Judged as a browser would judge it (the WHATWG URL
 * parser resolves it against the page: it drops tabs and newlines, reads "\" as "/",
 * folds dot segments), and again after each layer of percent-decoding and after NFKC
 * folding, because an origin that decodes `next` and redirects once more must not be
 * handed an off-site address either. Independent of src/http/safe-next.ts on purpose:
 * the test must not share the code it judges.
 */
import { EDGE } from "./edge";

const EDGE_ORIGIN = new URL(EDGE).origin;
const MAX_LAYERS = 5;

/** True when `target` (a Location value or a `next` that will become one) leaves EDGE's origin. */
export function isOffSite(target: string | null): boolean {
  if (target === null) return false;
  let layer = target;
  for (let i = 0; i <= MAX_LAYERS; i++) {
    if (leavesOrigin(layer) || leavesOrigin(layer.normalize("NFKC"))) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      // An origin that cannot decode it cannot follow it anywhere either; check what it is as given.
      return false;
    }
    if (decoded === layer) return false;
    layer = decoded;
  }
  return false;
}

function leavesOrigin(value: string): boolean {
  try {
    return new URL(value, `${EDGE}/some/page`).origin !== EDGE_ORIGIN;
  } catch {
    return false;
  }
}
