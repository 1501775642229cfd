// A plain Node project using the installed package: the toy decoder's greedy tokens on
// onnxruntime-node and on onnxruntime-web, printed as JSON.
import { readFileSync } from 'node:fs';
import { load } from 'weft';

const [source, fixturePath] = process.argv.slice(2);
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8'));
const runtimes = { node: { ort: await import('onnxruntime-node'), backend: 'cpu' }, web: { backend: 'wasm' } };
const out = {};
for (const [name, options] of Object.entries(runtimes)) {
  const model = await load(source, { kind: 'decoder', ...options });
  const tokens = [];
  for (const [i, prompt] of fixture.prompts.entries()) {
    const r = await model.generate({ prompt, maxNewTokens: fixture.tokens[i].length, doSample: false, eosTokenId: null });
    tokens.push(Array.from(r.tokens));
  }
  out[name] = { tokens, backend: model.backend };
  await model.dispose();
}
console.log(JSON.stringify(out));
