// Benchmark pages: UTF-8 HTML with Thai text, a promo and a hero slot, padded to a size.
const PARAGRAPH =
  "<p>ร้านค้าออนไลน์ของเรามีสินค้าคุณภาพ รองเท้าผ้าใบ ชุดเดรส เครื่องสำอาง และเครื่องดื่ม จัดส่งทั่วประเทศไทย " +
  "Our shop ships sneakers, dresses, cosmetics and drinks across Thailand.</p>\n";

export function pageOfSize(bytes) {
  const head = `<!doctype html><html lang="th"><head><meta charset="utf-8"><title>ร้านรู้ใจ</title></head><body>
<div class="promo" data-rujai-slot="promo">ส่งฟรีเมื่อซื้อครบ ฿1,500</div>
<section class="hero" data-rujai-slot="hero"><h1>ช้อปสิ่งที่ใช่</h1></section>
<main>`;
  const tail = "</main><footer>end of page</footer></body></html>";
  const unit = Buffer.byteLength(PARAGRAPH);
  const count = Math.max(0, Math.floor((bytes - Buffer.byteLength(head + tail)) / unit));
  return head + PARAGRAPH.repeat(count) + tail;
}
