// weft.d.ts against the core's options schemas (generatorTypesJson): each task's options
// interface declares exactly the options the core accepts for its generator type (by their JS
// names, minus those the task derives itself) plus the options the JS layer takes itself. A type
// that lacks an option the core accepts, or has one the core refuses, fails here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { loadCore } from '../../web/weft.js';
import { ImageClassifier } from '../../web/image-classifier.js';
import { MusicGenerator } from '../../web/music-generator.js';
import { SpeechSynthesizer } from '../../web/speech-synthesizer.js';
import { StreamProcessor } from '../../web/stream-processor.js';
import { TextGenerator } from '../../web/text-generator.js';

// Each task class and the weft.d.ts interface its options object is declared by.
const TASKS = [
  { Task: TextGenerator, options: 'GenerateOptions' },
  { Task: StreamProcessor, options: 'ProcessOptions' },
  { Task: ImageClassifier, options: 'ClassifyOptions' },
  { Task: MusicGenerator, options: 'MusicOptions' },
  { Task: SpeechSynthesizer, options: 'SpeakOptions' },
];

const DTS = new URL('../../web/weft.d.ts', import.meta.url);

/** interface name → its property names, read with the TypeScript compiler's parser. */
function interfaces() {
  const source = ts.createSourceFile('weft.d.ts', readFileSync(DTS, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Map();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    out.set(node.name.text, node.members.filter(ts.isPropertySignature).map((m) => m.name.getText(source)));
  });
  return out;
}

const core = await loadCore();
const schemas = JSON.parse(core.generatorTypesJson());
const declared = interfaces();

test('every generator type the core registers has a task class', () => {
  assert.deepEqual(TASKS.map(({ Task }) => Task.generatorType).sort(), Object.keys(schemas).sort());
});

for (const { Task, options } of TASKS) {
  test(`weft.d.ts ${options} declares the ${Task.generatorType} options the core accepts`, () => {
    const schema = schemas[Task.generatorType].options;
    const jsNames = schema.map((o) => o.js);
    for (const name of Task.derivedOptions) assert.ok(jsNames.includes(name), `${Task.name}.derivedOptions names '${name}', which the core does not accept`);
    const expected = [...jsNames.filter((n) => !Task.derivedOptions.includes(n)), ...Task.jsOptions].sort();
    assert.ok(declared.has(options), `weft.d.ts has no interface ${options}`);
    assert.deepEqual([...declared.get(options)].sort(), expected,
      `${options} must declare the core's options (${jsNames.join(', ')}) minus the derived ones, plus the JS-only ones (${Task.jsOptions.join(', ')})`);
  });
}

test('the options schema names every option once, with its kind and a doc line', () => {
  for (const [type, { options }] of Object.entries(schemas)) {
    const names = options.map((o) => o.name);
    assert.equal(new Set(names).size, names.length, `${type}: an option is listed twice`);
    for (const o of options) {
      assert.match(o.name, /^[a-z][a-z0-9_]*$/, `${type}.${o.name}`);
      assert.ok(o.kind && o.doc, `${type}.${o.name} needs a kind and a doc line`);
    }
  }
});
