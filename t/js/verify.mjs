// verify.mjs '{"token":JWT,"jwks":{"keys":[...]},"issuer":"mod_shop"}': verifies the
// token with jose against the given JWKS (createLocalJWKSet, jwtVerify). Prints
// {"ok":true,"payload":{...},"header":{...}} or {"ok":false,"error":"..."}; exits 0.
import { jwtVerify, createLocalJWKSet } from 'jose';

const args = JSON.parse(process.argv[2] || '{}');
try {
  const options = {};
  if (args.issuer) options.issuer = args.issuer;
  if (args.algorithms) options.algorithms = args.algorithms;
  const { payload, protectedHeader } =
    await jwtVerify(args.token, createLocalJWKSet(args.jwks), options);
  process.stdout.write(JSON.stringify({ ok: true, payload, header: protectedHeader }));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: `${e.code || e.name}: ${e.message}` }));
}
