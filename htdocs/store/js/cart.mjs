// cart.mjs: the cart, kept in localStorage as lines {id, size, color, quantity}
// (never names or prices: those are read from the catalog on display), and a
// hook that re-renders on every change, in this tab or another. It is emptied
// once the return page sees the payment made, so a failed or abandoned payment
// comes back to the same cart.
import { useEffect, useState } from 'preact/hooks';

const KEY = 'shop.cart';
const listeners = new Set();

export function readCart() {
  try {
    const lines = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(lines) ? lines.filter((l) => l && l.id && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function writeCart(lines) {
  localStorage.setItem(KEY, JSON.stringify(lines));
  listeners.forEach((fn) => fn(lines));
}

const same = (a, b) => a.id === b.id && a.size === b.size && a.color === b.color;

export function addToCart(line) {
  const lines = readCart();
  const found = lines.find((l) => same(l, line));
  if (found) found.quantity = Math.min(99, found.quantity + line.quantity);
  else lines.push(line);
  writeCart(lines);
}

export function setQuantity(line, quantity) {
  writeCart(readCart().map((l) => (same(l, line) ? { ...l, quantity } : l)));
}

export const removeFromCart = (line) => writeCart(readCart().filter((l) => !same(l, line)));
// the shipping form as last filled in (sessionStorage: this tab only), kept until
// the checkout is paid
export const SHIPPING_DRAFT = 'shop.shipping';

// a paid checkout: the cart and the shipping form it was bought with are done
export function checkoutPaid() {
  writeCart([]);
  sessionStorage.removeItem(SHIPPING_DRAFT);
}

export function useCart() {
  const [lines, setLines] = useState(readCart);
  useEffect(() => {
    const storage = (e) => e.key === KEY && setLines(readCart());
    listeners.add(setLines);
    addEventListener('storage', storage);
    return () => { listeners.delete(setLines); removeEventListener('storage', storage); };
  }, []);
  return lines;
}
