// Builds the demo shop into demo-site/dist: static pages the worker personalizes, as any
// origin would serve them. Each page carries the one rujai tag and two slots (hero, promo).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { categories, categoryOf, products } from "./catalog.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
rmSync(out, { recursive: true, force: true });
cpSync(join(here, "static"), out, { recursive: true });

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const baht = (n) => `฿${n.toLocaleString("en-US")}`;

function page({ title, body, head = "", hero = true }) {
  return `<!doctype html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Rujai Shop</title>
<link rel="stylesheet" href="/assets/shop.css">
<script>window.rujai=window.rujai||function(){(rujai.q=rujai.q||[]).push(arguments)}</script>
<script src="/rujai.js" async></script>
<script src="/assets/shop.js" defer></script>
${head}
</head>
<body>
<div class="promo" data-rujai-slot="promo">ส่งฟรีเมื่อซื้อครบ ฿1,500 · Free shipping on orders over ฿1,500</div>
<header class="top">
  <a class="logo" href="/">รู้ใจ<span>Rujai Shop</span></a>
  <nav>${categories.map((c) => `<a href="/c/${c.id}">${c.th}<small>${c.en}</small></a>`).join("")}</nav>
  <form class="search" action="/search" method="get" role="search">
    <input name="q" type="search" placeholder="ค้นหาสินค้า · Search" aria-label="Search">
  </form>
  <a class="cart-link" href="/cart">ตะกร้า · Cart <b id="cart-count">0</b></a>
</header>
${hero ? `<section class="hero" data-rujai-slot="hero">
  <h1>ช้อปสิ่งที่ใช่ ในแบบของคุณ</h1>
  <p>Shop what fits you — sneakers, dresses, cosmetics and drinks, delivered across Thailand.</p>
  <a class="btn" href="/c/sneakers">เริ่มช้อป · Start shopping</a>
</section>` : ""}
<main>${body}</main>
<footer>Rujai Shop — a demo store for <a href="https://github.com/">rujai</a> edge personalization · <a href="/privacy">ข้อมูลของฉัน · My data</a></footer>
</body>
</html>
`;
}

const card = (p) => {
  const c = categoryOf(p.category);
  return `<a class="card" href="/p/${p.id}"><div class="thumb" style="background:${c.color}">${c.icon}</div>
<h3>${esc(p.th)}</h3><p>${esc(p.en)}</p><b>${baht(p.price)}</b></a>`;
};

// "c/sneakers" → c/sneakers.html, served at /c/sneakers (no trailing-slash redirect).
function write(path, html) {
  const file = join(out, path ? `${path}.html` : "index.html");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
}

write("", page({
  title: "หน้าแรก · Home",
  body: `<h2>หมวดสินค้า · Categories</h2>
<div class="tiles">${categories.map((c) => `<a class="tile" style="background:${c.color}" href="/c/${c.id}"><span>${c.icon}</span>${c.th}<small>${c.en}</small></a>`).join("")}</div>
<h2>สินค้าแนะนำ · Featured</h2>
<div class="grid">${products.filter((_, i) => i % 3 === 0).map(card).join("")}</div>`,
}));

for (const c of categories) {
  write(`c/${c.id}`, page({
    title: `${c.th} · ${c.en}`,
    body: `<h2>${c.icon} ${c.th} · ${c.en}</h2><div class="grid">${products.filter((p) => p.category === c.id).map(card).join("")}</div>`,
  }));
}

for (const p of products) {
  const c = categoryOf(p.category);
  const item = { item_id: p.id, item_name: p.en, category: p.category, price: p.price };
  const jsonLd = { "@context": "https://schema.org", "@type": "Product", sku: p.id, name: p.en, category: p.category,
    offers: { "@type": "Offer", price: p.price, priceCurrency: "THB" } };
  write(`p/${p.id}`, page({
    title: p.en,
    hero: false,
    // The SDK reads view_item from this JSON-LD by itself; no tracking code on the page.
    head: `<script type="application/ld+json">${JSON.stringify(jsonLd)}</script>`,
    body: `<article class="product">
<div class="thumb big" style="background:${c.color}">${c.icon}</div>
<div><p class="crumb"><a href="/c/${c.id}">${c.th} · ${c.en}</a></p>
<h1>${esc(p.th)}</h1><h2 class="en">${esc(p.en)}</h2><p class="price">${baht(p.price)}</p>
<button class="btn add" data-item='${esc(JSON.stringify(item))}'>หยิบใส่ตะกร้า · Add to cart</button>
<p class="note">จัดส่งภายใน 1–2 วัน · Ships in 1–2 days</p></div>
</article>
<section class="hero slim" data-rujai-slot="hero"><p>ผู้ซื้อ 4.8/5 ดาว · Rated 4.8/5 by shoppers</p></section>`,
  }));
}

write("search", page({
  title: "ค้นหา · Search",
  hero: false,
  body: `<h2>ผลการค้นหา · Results <span id="term"></span></h2><div class="grid" id="results"></div>
<script type="application/json" id="catalog">${JSON.stringify(products.map((p) => ({ ...p, card: card(p) })))}</script>`,
}));

write("cart", page({
  title: "ตะกร้า · Cart",
  hero: false,
  body: `<h2>ตะกร้าสินค้า · Your cart</h2><div id="cart-items" class="cart-items"></div>
<p class="total">รวม · Total <b id="cart-total">฿0</b></p>
<button class="btn" id="checkout">ชำระเงิน · Pay now</button>`,
}));

write("thanks", page({
  title: "ขอบคุณ · Thank you",
  body: `<h2>ขอบคุณสำหรับคำสั่งซื้อ · Thank you for your order</h2><p>เราจะจัดส่งโดยเร็วที่สุด · We will ship it right away.</p>`,
}));

write("privacy", page({
  title: "ข้อมูลของฉัน · My data",
  hero: false,
  body: `<h2>ข้อมูลที่เก็บเกี่ยวกับคุณ · What is kept about you</h2>
<p><button class="btn" id="erase">ลบข้อมูลทั้งหมด · Erase everything</button></p>
<pre id="me" class="me">…</pre>`,
}));

writeFileSync(join(out, "products.json"), JSON.stringify(products));
console.log(`demo-site: built ${products.length + categories.length + 6} pages into demo-site/dist`);
