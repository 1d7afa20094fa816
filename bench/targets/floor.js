// The floor: a bare HTMLRewriter swapping one slot with a fixed string — what a streaming
// rewrite physically costs in workerd.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const origin = await fetch(new URL(url.pathname + url.search, env.ORIGIN), { headers: request.headers, redirect: "manual" });
    return new HTMLRewriter()
      .on('[data-rujai-slot="hero"]', { element: (e) => e.setInnerContent("<h2>swapped</h2>", { html: true }) })
      .transform(origin);
  },
};
