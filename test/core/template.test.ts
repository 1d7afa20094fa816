import { describe, expect, it } from "vitest";
import { compileTemplate, renderTemplate, unknownPlaceholders } from "../../worker/core/template";
import { topCategory } from "../../worker/core/affinity";
import { buildProfile } from "../../worker/core/profile";

const render = (html: string, vars = {}) => renderTemplate(compileTemplate(html), vars);

describe("templates", () => {
  it("fills traits and the top category, with fallbacks", () => {
    const html = "<h2>สวัสดี {{trait.first_name | คุณลูกค้า}}</h2><p>New in {{ top.category }}</p>";
    expect(render(html, { traits: { first_name: "Somchai" }, top: { category: "sneakers" } })).toBe(
      "<h2>สวัสดี Somchai</h2><p>New in sneakers</p>",
    );
    expect(render(html)).toBe("<h2>สวัสดี คุณลูกค้า</h2><p>New in </p>");
  });
  it("escapes every value, so a visitor's data cannot inject markup", () => {
    const out = render("<b>{{trait.first_name}}</b>", { traits: { first_name: '<script>alert("x")</script>' } });
    expect(out).toBe("<b>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</b>");
  });
  it("names placeholders no profile can fill", () => {
    expect(unknownPlaceholders("{{trait.tier}} {{intent}} {{top.brand}} {{ trait.Bad }} {{score}}")).toEqual(["top.brand", "trait.Bad", "score"]);
  });
  it("leaves HTML without placeholders as it is", () => {
    expect(render('<a href="/c/sneakers">−20%</a>')).toBe('<a href="/c/sneakers">−20%</a>');
  });
});

describe("top category", () => {
  const NOW = Date.UTC(2026, 2, 4);
  const e = (type: string, category: string, daysAgo: number) => ({ id: `${type}${category}${daysAgo}`, type, ts: NOW - daysAgo * 86_400_000, props: { category } });
  it("weighs carts above views, within 30 days", () => {
    const p = buildProfile([e("view_item", "dresses", 1), e("view_item", "dresses", 2), e("add_to_cart", "sneakers", 3), e("purchase", "drinks", 40)]);
    expect(topCategory(p, NOW)).toBe("sneakers");
  });
  it("is undefined with nothing to go on", () => {
    expect(topCategory(buildProfile([]), NOW)).toBeUndefined();
  });
});
