// home.mjs: the home page: a welcome, the categories and the newest products.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.mjs';
import { html, mount, ProductCard, SkeletonCards } from './ui.mjs';

const NEWEST = 8;
const PROMISES = [
  ['Free shipping', 'On every order, with no minimum.'],
  ['30-day returns', 'Changed your mind? Send it back for free.'],
  ['Secure checkout', 'Card details never touch our servers.'],
];

function Home() {
  const [categories, setCategories] = useState(null);
  const [products, setProducts] = useState(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    api('/categories').then(setCategories, () => setCategories([]));
    api(`/products?sort=newest&limit=${NEWEST}`).then(setProducts, () => { setProducts([]); setFailed(true); });
  }, []);

  return html`
    <section class="hero">
      <div><h1>Everyday clothes, made to last</h1>
        <p>New arrivals every week, chosen for comfort and built for years of wear.</p>
        <a class="button" href="/products.html">Shop all products</a></div>
      <ul class="promises">${PROMISES.map(([title, text]) => html`<li key=${title}><strong>${title}</strong><span>${text}</span></li>`)}</ul>
    </section>
    <section aria-labelledby="cat-title">
      <h2 id="cat-title">Shop by category</h2>
      <ul class="chips" aria-busy=${categories ? 'false' : 'true'}>
        ${(categories || []).map((c) => html`<li key=${c.id}>
          <a class="chip" href=${`/products.html?category=${encodeURIComponent(c.slug)}`}>${c.name}</a></li>`)}
      </ul>
    </section>
    <section aria-labelledby="new-title">
      <div class="section-head"><h2 id="new-title">New arrivals</h2>
        <a href="/products.html?sort=newest">See all</a></div>
      ${failed && html`<p class="notice error" role="alert">The products could not be loaded. Please try again in a moment.</p>`}
      <ul class="grid" id="newest" aria-busy=${products ? 'false' : 'true'}>
        ${products ? products.map((p, i) => html`<${ProductCard} key=${p.id} product=${p} lazy=${i >= 4}/>`)
                   : html`<${SkeletonCards} n=${NEWEST}/>`}
      </ul>
    </section>`;
}

mount(Home);
