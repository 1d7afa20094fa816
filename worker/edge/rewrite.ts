/**
 * Streams an HTML response through HTMLRewriter, replacing the content of each
 * `data-rujai-slot` element that has a decision. A throwing handler would truncate the
 * streamed page, so the handler guards itself: on any fault the slot keeps its default.
 */
export interface SlotRendering {
  rule: string;
  variant: string;
  /** The slot's new inner HTML, or null to keep the default content (holdout). May throw. */
  render(): string | null;
}

export const SLOT_ATTR = "data-rujai-slot";

export function rewriteSlots(response: Response, slots: ReadonlyMap<string, SlotRendering>): Response {
  return new HTMLRewriter()
    .on(`[${SLOT_ATTR}]`, {
      element(element) {
        try {
          const decision = slots.get(element.getAttribute(SLOT_ATTR) ?? "");
          if (!decision) return;
          const html = decision.render();
          element.setAttribute("data-rujai-rule", decision.rule);
          element.setAttribute("data-rujai-variant", decision.variant);
          if (html !== null) element.setInnerContent(html, { html: true });
        } catch (error) {
          console.warn("rujai: slot left as default:", error);
        }
      },
    })
    .transform(response);
}

const MAX_REWRITE_BYTES = 3 * 1024 * 1024;

/** Only complete UTF-8 HTML pages of a size the parser handles are rewritten. */
export function isRewritable(response: Response): boolean {
  if (response.status !== 200 || response.body === null) return false;
  const type = (response.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("text/html")) return false;
  const charset = /charset=\s*"?([^";\s]+)/.exec(type)?.[1];
  if (charset && charset !== "utf-8" && charset !== "utf8") return false;
  const length = Number(response.headers.get("content-length") ?? "0");
  return !(length > MAX_REWRITE_BYTES);
}
