// tap.mjs: a node:test reporter writing plain TAP for Test::Harness: one line per
// top-level test; the failure's message (also on stderr, which the harness shows
// when it is not verbose), the diagnostics and what the tests print as "#" comments (node's own TAP reporter adds YAML blocks that the Perl TAP
// parser rejects)
export default async function* tap(source) {
  let count = 0;
  const comment = (text) => String(text).split('\n').map((l) => `# ${l}\n`).join('');
  for await (const { type, data } of source) {
    if (type === 'test:diagnostic') yield comment(data.message);
    if (type === 'test:stdout' || type === 'test:stderr') yield comment(data.message.trimEnd());
    if ((type !== 'test:pass' && type !== 'test:fail') || data.nesting !== 0) continue;
    count += 1;
    if (type === 'test:pass') {
      yield `ok ${count} - ${data.name}\n`;
      continue;
    }
    yield `not ok ${count} - ${data.name}\n`;
    const error = data.details.error;
    const why = comment((error.cause && (error.cause.stack || error.cause.message)) || error.stack || error.message);
    process.stderr.write(`not ok ${count} - ${data.name}\n${why}`);   // the harness shows stderr
    yield why;
  }
  yield `1..${count}\n`;
}
