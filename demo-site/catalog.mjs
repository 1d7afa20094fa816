// The demo shop's catalogue: four categories, Thai and English names, prices in baht.
export const categories = [
  { id: "sneakers", th: "รองเท้าผ้าใบ", en: "Sneakers", icon: "👟", color: "#ffe4d6" },
  { id: "dresses", th: "ชุดเดรส", en: "Dresses", icon: "👗", color: "#fde2f3" },
  { id: "cosmetics", th: "เครื่องสำอาง", en: "Cosmetics", icon: "💄", color: "#ece4ff" },
  { id: "drinks", th: "เครื่องดื่ม", en: "Drinks", icon: "🧋", color: "#dff5e8" },
];

export const products = [
  { id: "sn-runner", category: "sneakers", th: "รองเท้าวิ่ง Siam Runner", en: "Siam Runner running shoe", price: 2890 },
  { id: "sn-court", category: "sneakers", th: "รองเท้าผ้าใบ Court Classic ขาว", en: "Court Classic white sneaker", price: 2190 },
  { id: "sn-trail", category: "sneakers", th: "รองเท้าเทรล Doi Inthanon", en: "Doi Inthanon trail shoe", price: 3450 },
  { id: "dr-linen", category: "dresses", th: "เดรสผ้าลินินสีครีม", en: "Cream linen dress", price: 1590 },
  { id: "dr-batik", category: "dresses", th: "เดรสลายบาติก", en: "Batik print dress", price: 1890 },
  { id: "dr-silk", category: "dresses", th: "เดรสผ้าไหมไทย", en: "Thai silk evening dress", price: 4290 },
  { id: "co-lip", category: "cosmetics", th: "ลิปสติกสีมะปราง", en: "Marian-plum lipstick", price: 450 },
  { id: "co-serum", category: "cosmetics", th: "เซรั่มข้าวหอมมะลิ", en: "Jasmine-rice serum", price: 890 },
  { id: "co-sun", category: "cosmetics", th: "กันแดด SPF50 เนื้อบางเบา", en: "Light SPF50 sunscreen", price: 590 },
  { id: "dk-tea", category: "drinks", th: "ชาไทยเย็น", en: "Thai iced tea", price: 65 },
  { id: "dk-coffee", category: "drinks", th: "กาแฟดริปดอยช้าง", en: "Doi Chang drip coffee", price: 120 },
  { id: "dk-coconut", category: "drinks", th: "น้ำมะพร้าวน้ำหอม", en: "Fragrant coconut water", price: 55 },
];

export const categoryOf = (id) => categories.find((c) => c.id === id);
