// product.mjs: one product (product.html?id=N): its image for the chosen color,
// size and color choices, quantity, add to cart; a clear page when the catalog
// has no such product.
import { useEffect, useState } from 'preact/hooks';
import { api, formatMoney, imageOf, capitalize as label } from './api.mjs';
import { addToCart } from './cart.mjs';
import { html, mount, Panel, Loading } from './ui.mjs';

// the swatch of each color the catalog allows (product_fields.c), softer than CSS's names
const SWATCH = {
  blue: '#2f5fd0', green: '#2e8b57', red: '#c62828', yellow: '#f2c94c', purple: '#7e57c2', orange: '#f08c2e',
  pink: '#f48fb1', brown: '#7b4b2a', gray: '#8e8e93', black: '#1c1c1e', white: '#ffffff',
};

// a fieldset of radio buttons styled as chips; swatch shows the color itself
const Choice = ({ legend, name, options, value, onChange, swatch }) => html`
  <fieldset class="choice"><legend>${legend}: <strong>${value ? label(value) : 'choose one'}</strong></legend>
    ${options.map((o) => html`<label key=${o} class=${swatch ? 'swatch' : 'size'}>
      <input type="radio" name=${name} value=${o} checked=${o === value} onChange=${() => onChange(o)}/>
      ${swatch ? html`<span class="dot" style=${`--c:${SWATCH[o] || o}`} aria-hidden="true"></span><span class="sr-only">${label(o)}</span>`
               : html`<span>${o.toUpperCase()}</span>`}
    </label>`)}
  </fieldset>`;

function Product() {
  const id = new URLSearchParams(location.search).get('id') || '';
  const [product, setProduct] = useState(undefined);
  const [failure, setFailure] = useState(null);
  const [color, setColor] = useState('');
  const [size, setSize] = useState('');
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const [tried, setTried] = useState(false);
  const [categoryName, setCategoryName] = useState('');

  useEffect(() => {
    if (!/^[1-9][0-9]{0,9}$/.test(id)) { setProduct(null); return; }
    api(`/products/${id}`).then((p) => {
      setProduct(p); setColor(p.colors[0]); setSize(p.sizes.length === 1 ? p.sizes[0] : '');
      document.title = `${p.name} · mod_shop`;
      api('/categories').then((cs) => setCategoryName(cs.find((c) => c.slug === p.categorySlug)?.name || ''), () => {});
    }, (e) => (e.status === 404 ? setProduct(null) : setFailure(e.message)));
  }, []);

  if (failure) return html`<${Panel} title="Something went wrong" role="alert"><p>${failure}</p>
    <a class="button" href=${location.href}>Try again</a><//>`;
  if (product === undefined) return html`<${Loading} label="Loading the product…"/>`;
  if (product === null) {
    document.title = 'Product not found · mod_shop';
    return html`<${Panel} title="We couldn’t find that product">
      <p>It may have been removed, or the link is mistyped.</p>
      <a class="button" href="/products.html">Browse all products</a><//>`;
  }

  const submit = (e) => {
    e.preventDefault();
    setTried(true);
    if (!size) return;
    addToCart({ id: product.id, size, color, quantity: Math.max(1, Math.min(99, quantity | 0)) });
    setAdded(true);
  };

  return html`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="/products.html">Shop</a>
      <span aria-hidden="true"> / </span><a href=${`/products.html?category=${encodeURIComponent(product.categorySlug)}`}>${categoryName || label(product.categorySlug)}</a></nav>
    <article class="product">
      <div class="gallery"><img id="product-image" src=${imageOf(product, color)} width="600" height="600"
        alt=${`${product.name} in ${color}`}/></div>
      <div class="details">
        <h1>${product.name}</h1>
        <p class="price big">${formatMoney(product.price)}</p>
        <p class="lead">${product.shortDescription}</p>
        <form onSubmit=${submit}>
          <${Choice} legend="Color" name="color" options=${product.colors} value=${color} onChange=${setColor} swatch/>
          <${Choice} legend="Size" name="size" options=${product.sizes} value=${size}
            onChange=${(s) => { setSize(s); setAdded(false); }}/>
          <div class="buy">
            <div class="field qty"><label for="f-quantity">Quantity</label>
              <input id="f-quantity" type="number" min="1" max="99" value=${quantity}
                onInput=${(e) => setQuantity(Number(e.currentTarget.value))}/></div>
            <button class="button big" type="submit" aria-describedby=${size ? undefined : 'size-hint'}>Add to cart</button>
          </div>
          ${!size && html`<p class=${tried ? 'error' : 'hint'} id="size-hint" role=${tried ? 'alert' : undefined}>
            Choose a size to add this to your cart.</p>`}
          <p class="added" role="status">${added && html`Added to your cart. <a href="/cart.html">View cart</a>`}</p>
        </form>
        <h2>Details</h2>
        <p class="description">${product.description}</p>
      </div>
    </article>`;
}

mount(Product);
