/**
 * A basic accessibility check run inside the page: every form control has a label, and the
 * contrast of text against its background meets WCAG 2.x AA for normal text (4.5:1),
 * computed from the browser's computed styles.
 */

export const MIN_CONTRAST = 4.5;

/** Visible form controls that no label names. Returns descriptions of the offenders. */
export function findUnlabelledControls(page) {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll("input, select, textarea")].filter(
      (el) => el.type !== "hidden" && el.type !== "submit" && el.type !== "button" && el.getClientRects().length > 0,
    );
    const hasLabel = (el) =>
      (el.labels && [...el.labels].some((label) => label.textContent.trim() !== "")) ||
      (el.getAttribute("aria-label") ?? "").trim() !== "" ||
      (el.getAttribute("aria-labelledby") ?? "").split(/\s+/).some((id) => id && document.getElementById(id)?.textContent.trim());
    return controls.filter((el) => !hasLabel(el)).map((el) => el.outerHTML.slice(0, 120));
  });
}

/**
 * The contrast ratio of `selector`'s text against the background it is drawn on (the
 * nearest ancestor with an opaque-enough background, white when there is none).
 */
export function contrastOf(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { selector: sel, missing: true };
    const parse = (value) => {
      const m = value.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return { r, g, b, a };
    };
    // Composite the backgrounds from the page up to the element, so translucent layers count.
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) layers.unshift(bg);
    }
    let background = { r: 255, g: 255, b: 255 };
    for (const layer of layers) {
      background = {
        r: layer.r * layer.a + background.r * (1 - layer.a),
        g: layer.g * layer.a + background.g * (1 - layer.a),
        b: layer.b * layer.a + background.b * (1 - layer.a),
      };
    }
    const fg = parse(getComputedStyle(el).color);
    const text = {
      r: fg.r * fg.a + background.r * (1 - fg.a),
      g: fg.g * fg.a + background.g * (1 - fg.a),
      b: fg.b * fg.a + background.b * (1 - fg.a),
    };
    // WCAG 2.x relative luminance and contrast ratio.
    const channel = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const [light, dark] = [luminance(text), luminance(background)].sort((x, y) => y - x);
    const round = (c) => `rgb(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)})`;
    return { selector: sel, ratio: (light + 0.05) / (dark + 0.05), color: round(text), background: round(background) };
  }, selector);
}

/**
 * Proves `isTarget` (a function run in the page) is reachable with the Tab key: presses Tab
 * until it holds, at most `maxTabs` times. A target already focused on load (autofocus) is
 * left first, since autofocus says nothing about the Tab order; focus wraps around the page.
 * Returns the number of Tab presses it took.
 */
export async function tabUntil(page, isTarget, maxTabs = 15) {
  if (await page.evaluate(isTarget)) await page.keyboard.press("Tab");
  for (let presses = 1; presses <= maxTabs; presses++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(isTarget)) return presses;
  }
  throw new Error(`the target was not reached with ${maxTabs} Tab presses`);
}
