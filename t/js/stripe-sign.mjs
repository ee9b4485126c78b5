// stripe-sign.mjs SECRET [TIMESTAMP]: reads a webhook payload on stdin and prints the
// Stripe-Signature header for it, made by Stripe's own library
// (stripe.webhooks.generateTestHeaderString), so the tests sign exactly as Stripe does.
import Stripe from 'stripe';

const [secret, timestamp] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const stripe = new Stripe('sk_test_unused');
process.stdout.write(stripe.webhooks.generateTestHeaderString({
  payload: Buffer.concat(chunks).toString('utf8'),
  secret,
  ...(timestamp ? { timestamp: Number(timestamp) } : {}),
}));
