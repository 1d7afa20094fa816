// The floor with rujai's second slot: a bare HTMLRewriter swapping hero and promo with fixed
// strings — what the second slot alone costs, next to the one-slot floor.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const origin = await fetch(new URL(url.pathname + url.search, env.ORIGIN), { headers: request.headers, redirect: "manual" });
    return new HTMLRewriter()
      .on('[data-rujai-slot="hero"]', { element: (e) => e.setInnerContent("<h2>swapped</h2>", { html: true }) })
      .on('[data-rujai-slot="promo"]', { element: (e) => e.setInnerContent("<b>promo swapped</b>", { html: true }) })
      .transform(origin);
  },
};
