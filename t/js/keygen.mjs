// keygen.mjs '{"alg":"RS256","kid":"k1"}': a new key pair for the tests' identity
// provider. Prints {"private": JWK, "public": JWK} with kid, alg and use set; the
// kid defaults to the key's RFC 7638 thumbprint.
import { generateKeyPair, exportJWK, calculateJwkThumbprint } from 'jose';

const args = JSON.parse(process.argv[2] || '{}');
const alg = args.alg || 'ES256';
const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
const pub = await exportJWK(publicKey);
const priv = await exportJWK(privateKey);
const kid = args.kid || await calculateJwkThumbprint(pub);
for (const jwk of [pub, priv])
  Object.assign(jwk, { kid, alg, use: 'sig' });
process.stdout.write(JSON.stringify({ private: priv, public: pub }));
