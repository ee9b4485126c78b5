// notfound.mjs: the page httpd serves for an unknown address (404.html).
import { html, mount, Panel } from './ui.mjs';

mount(() => html`<${Panel} title="Page not found">
  <p>The page you asked for does not exist or has moved.</p>
  <p class="actions"><a class="button" href="/">Go to the home page</a>
    <a class="button secondary" href="/products.html">Browse products</a></p><//>`);
