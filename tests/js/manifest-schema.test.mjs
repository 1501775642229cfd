// docs/weft.schema.json and the core agree on weft.json: every package the project builds is
// valid for both, and manifests broken in one place are refused by both, at the same JSON path
// (the core's path equals the schema validator's or is a prefix of it).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { loadCore } from '../../web/core-loader.js';
import { MODELS, ROOT } from '../../tools/paths.mjs';

const schema = JSON.parse(readFileSync(join(ROOT, 'docs/weft.schema.json'), 'utf8'));
const warnings = [];
const ajv = new Ajv2020({ allErrors: true, logger: { log() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } });
const validate = ajv.compile(schema);
const core = await loadCore();

// One package per generator type is built by the set-up; more may come.
const BASES = { decoder: 'toy', stream: 'silero-vad', classifier: 'classifier-resnet18', musicgen: 'musicgen-tiny', pocket_tts: 'pocket-tts-tiny' };
const MIN_PACKAGES = 7; // build/models: toy, toy-nan, silero-vad, classifier-resnet18, musicgen-tiny, pocket-tts-tiny; manifests/: 1

function manifestFiles() {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue; // .tmp, .stamps
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name === 'weft.json') found.push(join(dir, e.name));
    }
  };
  if (existsSync(MODELS)) walk(MODELS);
  for (const name of readdirSync(join(ROOT, 'manifests'))) if (name.endsWith('.json')) found.push(join(ROOT, 'manifests', name));
  return found.sort();
}

/** ajv's JSON pointer (plus the missing or unknown key it names) as the core writes paths: a.b[2].c */
function schemaPath(error, instance) {
  const parts = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = error.params?.missingProperty ?? error.params?.additionalProperty;
  if (extra !== undefined) parts.push(extra);
  let path = '';
  let node = instance;
  for (const p of parts) {
    path += Array.isArray(node) ? `[${p}]` : path === '' ? p : `.${p}`;
    node = node?.[p];
  }
  return path;
}

function schemaErrors(manifest) {
  if (validate(manifest)) return [];
  return validate.errors.map((e) => ({ path: schemaPath(e, manifest), message: `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}` }));
}

/** null when the core loads the manifest, else the JSON path its error names and the message. */
function coreError(text) {
  let model;
  try {
    model = core.Model.fromJson(text);
  } catch (error) {
    const m = /^weft: weft\.json: (?:(.*?): )?/.exec(error.message);
    assert.ok(m, `the core's error does not start with "weft: weft.json: ": ${error.message}`);
    return { path: m[1] ?? '', message: error.message };
  }
  model.delete();
  return null;
}

const atOrBelow = (path, prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

test('the schema compiles under ajv (draft 2020-12) without strict-mode warnings', () => {
  assert.deepEqual(warnings, []);
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.ok(schema.$id);
});

test('the schema is what package.json exports as weft/weft.schema.json', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['./weft.schema.json'], './docs/weft.schema.json');
  assert.ok(pkg.files.includes('docs/weft.schema.json'));
});

test('every key of the schema has a description', () => {
  const missing = [];
  const walk = (node, where, inCondition) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && !inCondition) {
        for (const [name, sub] of Object.entries(value)) {
          const target = sub.$ref ? schema.$defs[sub.$ref.replace('#/$defs/', '')] : null;
          if (typeof sub === 'object' && !sub.description && !target?.description) missing.push(`${where}/properties/${name}`);
        }
      }
      if (typeof value === 'object') walk(value, `${where}/${key}`, inCondition || key === 'if' || key === 'then' || key === 'else');
    }
  };
  walk(schema, '#', false);
  // Per-type generator objects repeat `type` as a const; it is described once, on generator.type.
  assert.deepEqual(missing.filter((p) => !p.endsWith('/properties/type')), []);
});

test('every package the project builds is valid for the schema and loads in the core', () => {
  const files = manifestFiles();
  assert.ok(files.length >= MIN_PACKAGES,
    `found ${files.length} manifests (${files.map((f) => relative(ROOT, f)).join(', ')}), expected at least ${MIN_PACKAGES}: build the packages first (scripts/setup.sh)`);
  const types = new Set();
  const failures = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const manifest = JSON.parse(text);
    types.add(manifest.generator?.type);
    for (const e of schemaErrors(manifest)) failures.push(`${relative(ROOT, file)}: schema: ${e.message}`);
    const c = coreError(text);
    if (c) failures.push(`${relative(ROOT, file)}: core: ${c.message}`);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual([...types].sort(), Object.keys(BASES).sort(), 'one package per generator type at least');
});

test('the examples in docs/MANIFEST.md are valid for the schema and load in the core, one per generator type at least', () => {
  const doc = readFileSync(join(ROOT, 'docs/MANIFEST.md'), 'utf8');
  const manifests = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1])).filter((m) => m.format === 'weft/1');
  const examples = manifests.filter((m) => !m.variants);
  assert.deepEqual([...new Set(examples.map((m) => m.generator.type))].sort(), Object.keys(BASES).sort());
  const indexes = manifests.filter((m) => m.variants);
  assert.ok(indexes.length >= 1, 'the Package index example');
  for (const m of indexes) {
    assert.deepEqual(schemaErrors(m).map((e) => e.message), [], 'the index example');
    assert.equal(JSON.parse(core.choosePackage(JSON.stringify(m), null, ['wasm'], null)).index, true);
  }
  for (const m of examples) {
    assert.deepEqual(schemaErrors(m).map((e) => e.message), [], `the ${m.name} example`);
    const e = coreError(JSON.stringify(m));
    assert.equal(e, null, `the ${m.name} example: ${e?.message}`);
  }
});

function base(type) {
  const file = join(MODELS, BASES[type], 'weft.json');
  assert.ok(existsSync(file), `${relative(ROOT, file)} is missing: build the packages first (scripts/setup.sh)`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const layered = (list, prefix) => list.findIndex((t) => t.name.startsWith(prefix));

// The classifier package's preprocess turned into the two aspect-preserving layouts (its input is
// 112x112): a letterbox (fit, centered on gray) and an OCR line (fixed height, padded on the right).
function letterbox(m) {
  m.generator.preprocess = {
    resize: { mode: 'fit', height: 112, width: 112, rounding: 'half_even' },
    pad: { size: 112, position: 'center', value: 114 },
  };
  return m.generator.preprocess;
}
function ocr(m) {
  m.generator.preprocess = {
    resize: { mode: 'height', height: 112, max_width: 112, rounding: 'ceil' },
    pad: { size: [112, 112], normalized_value: 0 }, channels: 'bgr', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5],
  };
  return m.generator.preprocess;
}

// Each case breaks a real package in one place. `path`: where both must point (the core's exact
// path; the schema's error path at or below it).
const INVALID = [
  { name: 'format is not weft/1', type: 'decoder', path: 'format', mutate: (m) => { m.format = 'weft/2'; } },
  { name: 'unknown generator type', type: 'decoder', path: 'generator.type', mutate: (m) => { m.generator.type = 'encoder'; } },
  { name: 'a required io role is missing', type: 'decoder', path: 'generator.io.logits', mutate: (m) => { delete m.generator.io.logits; } },
  { name: 'an unknown io role', type: 'stream', path: 'generator.io.audio', mutate: (m) => { m.generator.io.audio = m.generator.io.samples; } },
  {
    name: 'a tensor dtype the core does not know', type: 'decoder', path: 'components.decoder.inputs[1].dtype',
    mutate: (m) => { m.components.decoder.inputs[1].dtype = 'float64'; },
  },
  {
    name: 'a negative count', type: 'decoder', mutate: (m) => {
      const i = layered(m.components.decoder.inputs, 'past_key_values');
      m.components.decoder.inputs[i].count = -2;
      return `components.decoder.inputs[${i}].count`;
    },
  },
  {
    name: 'a state entry with both init and init_from', type: 'decoder', path: 'state[0].init',
    mutate: (m) => { m.state[0].init_from = { component: 'decoder', output: m.state[0].output }; },
  },
  { name: 'an unknown state mode', type: 'stream', path: 'state[0].mode', mutate: (m) => { m.state[0].mode = 'grows'; } },
  { name: 'a growing state without an axis', type: 'decoder', path: 'state[0].axis', mutate: (m) => { delete m.state[0].axis; } },
  { name: 'a constant value of the wrong type', type: 'stream', path: 'constants[0].values[0]', mutate: (m) => { m.constants[0].values = ['16000']; } },
  { name: 'a stream chunk of 0', type: 'stream', path: 'generator.chunk', mutate: (m) => { m.generator.chunk = 0; } },
  { name: 'a negative stream context', type: 'stream', path: 'generator.context', mutate: (m) => { m.generator.context = -1; } },
  { name: 'an unknown classifier postprocess', type: 'classifier', path: 'generator.postprocess', mutate: (m) => { m.generator.postprocess = 'identity'; } },
  { name: 'a classifier resize that is neither a size nor [h, w]', type: 'classifier', path: 'generator.preprocess.resize', mutate: (m) => { m.generator.preprocess.resize = [256]; } },
  { name: 'an unknown preprocess key', type: 'classifier', path: 'generator.preprocess.normalize', mutate: (m) => { m.generator.preprocess.normalize = true; } },
  { name: 'an unknown resize mode', type: 'classifier', path: 'generator.preprocess.resize.mode', mutate: (m) => { letterbox(m).resize.mode = 'stretch'; } },
  { name: 'a fit resize without its width', type: 'classifier', path: 'generator.preprocess.resize.width', mutate: (m) => { delete letterbox(m).resize.width; } },
  { name: 'an aspect-preserving resize without its rounding rule', type: 'classifier', path: 'generator.preprocess.resize.rounding', mutate: (m) => { delete letterbox(m).resize.rounding; } },
  { name: 'a height resize with a width (it takes max_width)', type: 'classifier', path: 'generator.preprocess.resize.width', mutate: (m) => { Object.assign(ocr(m).resize, { width: 112 }); } },
  { name: 'an unknown rounding rule', type: 'classifier', path: 'generator.preprocess.resize.rounding', mutate: (m) => { letterbox(m).resize.rounding = 'nearest'; } },
  { name: 'pad together with crop', type: 'classifier', path: 'generator.preprocess.pad', mutate: (m) => { letterbox(m).crop = 112; } },
  { name: 'pad after a height resize without max_width', type: 'classifier', path: 'generator.preprocess.pad', mutate: (m) => { delete ocr(m).resize.max_width; } },
  { name: 'pad after a shorter-side resize', type: 'classifier', path: 'generator.preprocess.pad', mutate: (m) => { letterbox(m).resize = 112; } },
  { name: 'a pad fill given both as a pixel and as a normalized value', type: 'classifier', path: 'generator.preprocess.pad.normalized_value', mutate: (m) => { ocr(m).pad.value = 0; } },
  { name: 'a pad pixel value above 255', type: 'classifier', path: 'generator.preprocess.pad.value', mutate: (m) => { letterbox(m).pad.value = 300; } },
  { name: 'an unknown pad position', type: 'classifier', path: 'generator.preprocess.pad.position', mutate: (m) => { letterbox(m).pad.position = 'right-bottom'; } },
  { name: 'an unknown channel order', type: 'classifier', path: 'generator.preprocess.channels', mutate: (m) => { m.generator.preprocess.channels = 'grb'; } },
  { name: 'musicgen delay that is not an array', type: 'musicgen', path: 'generator.delay', mutate: (m) => { m.generator.delay = 3; } },
  { name: 'musicgen without its audio decoder', type: 'musicgen', path: 'generator.audio_decoder', mutate: (m) => { delete m.generator.audio_decoder; } },
  { name: 'decoder generation defaults out of range', type: 'decoder', path: 'generation.temperature', mutate: (m) => { m.generation.temperature = -1; } },
  { name: 'an unknown top-level key', type: 'decoder', path: 'licence', mutate: (m) => { m.licence = 'MIT'; } },
  { name: 'an unknown key in a tensor entry', type: 'decoder', path: 'components.decoder.inputs[0].optional', mutate: (m) => { m.components.decoder.inputs[0].optional = true; } },
  { name: 'a key another generator type reads', type: 'decoder', path: 'generator.chunk', mutate: (m) => { m.generator.chunk = 4; } },
];

for (const c of INVALID) {
  test(`both refuse: ${c.name}`, async (t) => {
    const manifest = base(c.type);
    const path = c.mutate(manifest) ?? c.path;
    const text = JSON.stringify(manifest);
    await t.test('schema', () => {
      const errors = schemaErrors(manifest);
      assert.ok(errors.length > 0, 'the schema accepts it');
      assert.ok(errors.some((e) => atOrBelow(e.path, path)),
        `no schema error at or below ${path}:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
    });
    await t.test('core', () => {
      const e = coreError(text);
      assert.ok(e, 'the core accepts it');
      assert.equal(e.path, path, e.message);
      const errors = schemaErrors(manifest);
      assert.ok(errors.some((s) => atOrBelow(s.path, e.path)), `the core names ${e.path}, the schema ${errors.map((s) => s.path).join(', ')}`);
    });
  });
}

// What JSON Schema cannot say (it compares no two fields): the schema accepts these, the core
// refuses them at the field.
const CORE_ONLY = [
  { name: 'a pad canvas smaller than the resized image', type: 'classifier', path: 'generator.preprocess.pad.size', mutate: (m) => { letterbox(m).pad.size = [112, 100]; } },
  { name: 'a pad canvas narrower than max_width', type: 'classifier', path: 'generator.preprocess.pad.size', mutate: (m) => { ocr(m).resize.max_width = 120; } },
];

for (const c of CORE_ONLY) {
  test(`the core refuses (the schema cannot): ${c.name}`, () => {
    const manifest = base(c.type);
    c.mutate(manifest);
    assert.deepEqual(schemaErrors(manifest).map((e) => e.message), []);
    const e = coreError(JSON.stringify(manifest));
    assert.ok(e, 'the core accepts it');
    assert.equal(e.path, c.path, e.message);
  });
}

const VALID = [
  {
    name: 'decoder: several EOS ids and a seed beyond 2^53 as a decimal string', type: 'decoder',
    mutate: (m) => { Object.assign(m.generation, { eos_token_id: [1, 2], seed: '18446744073709551615', do_sample: true, top_k: 50 }); },
  },
  {
    name: 'decoder: unknown sha256 and bytes (null), count as an integer', type: 'decoder',
    mutate: (m) => {
      Object.assign(m.components.decoder, { sha256: null, bytes: null });
      for (const s of m.state) s.count = m.dims.layers;
    },
  },
  {
    name: 'stream: an explicit chunk, no sample_rate, a $schema reference', type: 'stream',
    mutate: (m) => {
      m.$schema = 'weft/weft.schema.json';
      m.generator.chunk = m.dims.chunk;
      delete m.generator.sample_rate;
    },
  },
  {
    name: 'stream: an input context, the samples input sized context + chunk', type: 'stream',
    mutate: (m) => {
      m.components[m.generator.component].inputs.find((i) => i.name === m.generator.io.samples).shape = ['batch', 'frame'];
      Object.assign(m.generator, { chunk: 512, context: 64 });
    },
  },
  {
    name: 'classifier: postprocess none (the output already is probabilities)', type: 'classifier',
    mutate: (m) => { m.generator.postprocess = 'none'; },
  },
  {
    name: 'classifier: [h, w] sizes, sigmoid, bicubic, max_pixels', type: 'classifier',
    mutate: (m) => {
      const p = m.generator.preprocess;
      const crop = Array.isArray(p.crop) ? p.crop : [p.crop, p.crop];
      Object.assign(p, { resize: [crop[0] + 32, crop[1] + 32], crop, interpolation: 'bicubic', max_pixels: 1e6 });
      m.generator.postprocess = 'sigmoid';
      m.generator.top_k = 1;
    },
  },
  { name: 'classifier: a letterbox (fit, centered on gray 114)', type: 'classifier', mutate: (m) => { letterbox(m); } },
  { name: 'classifier: an OCR line (height, max_width, BGR, padded with normalized 0)', type: 'classifier', mutate: (m) => { ocr(m); } },
  {
    name: 'classifier: a fit with floor rounding and a per-channel pad value, top-left', type: 'classifier',
    mutate: (m) => { Object.assign(letterbox(m), { pad: { size: [112, 112], position: 'top-left', value: [0, 128, 255] } }).resize.rounding = 'floor'; },
  },
  {
    name: 'musicgen: one cache tier (no cache_merge), external data as file names', type: 'musicgen',
    mutate: (m) => {
      delete m.generator.cache_merge;
      delete m.generator.cache_merge_every;
      for (const comp of Object.values(m.components)) if (comp.external_data) comp.external_data = comp.external_data.map((x) => x.file);
    },
  },
  {
    name: 'musicgen: no audio encoder (no continuation), so no audio_in / codes_out', type: 'musicgen',
    mutate: (m) => {
      delete m.generator.audio_encoder;
      delete m.generator.io.audio_in;
      delete m.generator.io.codes_out;
    },
  },
];

for (const c of VALID) {
  test(`both accept: ${c.name}`, () => {
    const manifest = base(c.type);
    c.mutate(manifest);
    assert.deepEqual(schemaErrors(manifest).map((e) => e.message), []);
    const e = coreError(JSON.stringify(manifest));
    assert.equal(e, null, e?.message);
  });
}
