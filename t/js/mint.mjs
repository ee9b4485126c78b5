// mint.mjs ARGS: prints {"token": JWT} for the JSON ARGS
//   claims    the payload (numbers in iat/exp/nbf are used as given)
//   alg       ES256 (default), RS256, HS256...
//   jwk       the private key as a JWK, or
//   keyFile   a PEM file holding a PKCS#8 private key (openssl genpkey), or
//   secret    a string, for HS* algorithms
//   kid       header kid; "thumbprint" puts the key's RFC 7638 thumbprint; absent: none
//             (a JWK's own kid is used unless kid is given as null)
//   header    more protected header fields
//   unsigned  true: an unsecured JWT (alg "none", empty signature)
import { readFileSync } from 'node:fs';
import { SignJWT, UnsecuredJWT, importJWK, importPKCS8, exportJWK, calculateJwkThumbprint }
  from 'jose';

const args = JSON.parse(process.argv[2] || '{}');
const claims = args.claims || {};
let token;

if (args.unsigned) {
  token = new UnsecuredJWT(claims).encode();
} else {
  const alg = args.alg || 'ES256';
  let key, jwk;
  if (args.jwk) {
    jwk = args.jwk;
    key = await importJWK(jwk, alg);
  } else if (args.keyFile) {
    key = await importPKCS8(readFileSync(args.keyFile, 'utf8'), alg, { extractable: true });
    jwk = await exportJWK(key);
  } else if (args.secret !== undefined) {
    key = new TextEncoder().encode(args.secret);
  } else {
    throw new Error('give jwk, keyFile or secret');
  }
  const header = { alg, typ: 'JWT', ...(args.header || {}) };
  let kid = 'kid' in args ? args.kid : jwk && jwk.kid;
  if (kid === 'thumbprint')
    kid = await calculateJwkThumbprint(jwk);
  if (kid)
    header.kid = kid;
  token = await new SignJWT(claims).setProtectedHeader(header).sign(key);
}
process.stdout.write(JSON.stringify({ token }));
