/** The pages the loopback origin serves (test/support/origin-server.ts). */
export const SLOT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>ร้านค้า</title></head><body>
<div data-rujai-slot="promo">โปรโมชันปกติ default promo</div>
<section data-rujai-slot="hero"><h1>สวัสดี default hero</h1></section>
<p>ท้ายหน้า end of page</p></body></html>`;

export const PLAIN_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>ไม่มีสล็อต</title></head><body>
<!-- a comment the worker must keep --><p>ภาษาไทย   spacing  kept</p></body></html>`;

export const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

/** "<div สวัส>" in TIS-620, a Thai charset the rewriter must not touch. */
export const TIS620_BYTES = new Uint8Array([0x3c, 0x64, 0x69, 0x76, 0x20, 0xca, 0xc7, 0xd1, 0xca, 0x3e]);

/** The same Thai text declared windows-874 only by <meta charset> (no charset in the header). */
export const WINDOWS874_META_PAGE = new Uint8Array([
  ...new TextEncoder().encode('<!doctype html><html><head><meta charset="windows-874"></head><body><div data-rujai-slot="hero">'),
  0xca, 0xc7, 0xd1, 0xca,
  ...new TextEncoder().encode("</div></body></html>"),
]);

/** A 4 MiB page sent without Content-Length: a slot at the top, another past the rewrite cap. */
export const HUGE_PAGE_HEAD = '<!doctype html><html><head><meta charset="utf-8"></head><body><section data-rujai-slot="hero"><h1>default hero</h1></section>';
export const HUGE_PAGE_TAIL = '<section data-rujai-slot="promo">default promo</section></body></html>';
export const HUGE_PAGE_FILLER_CHUNKS = 64;
export const HUGE_PAGE_FILLER = `<p>${"ข้อความยาว filler ".repeat(2_800)}</p>`; // ~64 KiB a chunk

/** What the first half of a page whose origin then hangs looks like. */
export const HANGING_BODY_HEAD = '<!doctype html><html><body><section data-rujai-slot="hero"><h1>default hero</h1></section><p>half';

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the loopback origin, e.g. http://127.0.0.1:40123. */
    originUrl: string;
    /** A second loopback server standing for a host an attacker names; it must receive nothing. */
    attackerUrl: string;
    /** The trigger delivery receiver (webhooks and LINE), with GET /__received. */
    receiverUrl: string;
    /** A loopback port with nothing listening (an origin that is down). */
    closedOriginUrl: string;
  }
}
