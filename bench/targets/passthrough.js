// Reference: the same proxying as rujai, returning the origin page unchanged.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(new URL(url.pathname + url.search, env.ORIGIN), { headers: request.headers, redirect: "manual" });
  },
};
