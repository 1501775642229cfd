// Bad input gets a clear error naming what is wrong, and loading leaves nothing behind.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { load } from '../../web/weft.js';
import { MODELS } from '../../tools/paths.mjs';
import { mutatedPackage, nodeOptions, removePackage } from './helpers.mjs';

async function rejectsWith(source, pattern, options = nodeOptions) {
  await assert.rejects(load(source, options), (error) => {
    assert.match(error.message, pattern);
    return true;
  });
}

test('a truncated .onnx fails the size/hash check, naming the file', async () => {
  const dir = mutatedPackage('toy', ({ dir }) => {
    const bytes = readFileSync(`${dir}/decoder.onnx`);
    writeFileSync(`${dir}/decoder.onnx`, bytes.subarray(0, bytes.length >> 1));
  });
  try {
    await rejectsWith(dir, /decoder\.onnx: size mismatch: the manifest says \d+ bytes, the file has \d+/);
  } finally {
    removePackage(dir);
  }
});

test('a truncated .onnx without hashes is refused by onnxruntime, naming component and file', async () => {
  const dir = mutatedPackage('toy', ({ dir, manifest }) => {
    delete manifest.components.decoder.sha256;
    delete manifest.components.decoder.bytes;
    const bytes = readFileSync(`${dir}/decoder.onnx`);
    writeFileSync(`${dir}/decoder.onnx`, bytes.subarray(0, bytes.length >> 1));
  });
  try {
    await rejectsWith(dir, /component 'decoder' \(.*decoder\.onnx\): onnxruntime could not load the graph/);
  } finally {
    removePackage(dir);
  }
});

test('a corrupted .onnx (same size) fails the sha256 check', async () => {
  const dir = mutatedPackage('toy', ({ dir }) => {
    const bytes = readFileSync(`${dir}/decoder.onnx`);
    bytes.fill(0x5a, 100, 400);
    writeFileSync(`${dir}/decoder.onnx`, bytes);
  });
  try {
    await rejectsWith(dir, /decoder\.onnx: sha256 mismatch: the manifest says [0-9a-f]{64}, the file hashes to [0-9a-f]{64}/);
  } finally {
    removePackage(dir);
  }
});

test('a manifest naming an input the graph lacks', async () => {
  const dir = mutatedPackage('toy', ({ manifest }) => {
    manifest.components.decoder.inputs.push({ name: 'token_type_ids', dtype: 'int64', shape: ['batch', 'seq'] });
  });
  try {
    await rejectsWith(dir, /component 'decoder'.*'token_type_ids'.*no such input/);
  } finally {
    removePackage(dir);
  }
});

test('a state dtype mismatch names the tensor and both dtypes', async () => {
  const dir = mutatedPackage('toy', ({ manifest }) => {
    for (const t of manifest.components.decoder.inputs) if (t.name.startsWith('past_key_values')) t.dtype = 'float16';
  });
  try {
    await rejectsWith(dir, /past_key_values\.0\.key.*float16.*float32/);
  } finally {
    removePackage(dir);
  }
});

test('a state shape mismatch names the tensor and the dimension', async () => {
  const dir = mutatedPackage('toy', ({ manifest }) => {
    manifest.dims.heads += 1;
  });
  try {
    await rejectsWith(dir, /input 'past_key_values\.0\.key': dim 1 is 3 in the manifest .* but 2 in the graph/);
  } finally {
    removePackage(dir);
  }
});

test('a package path that does not exist names the file', async () => {
  await rejectsWith(`${MODELS}/no-such-model`, /no-such-model\/weft\.json: ENOENT/);
});

test('NaN logits stop generation with an error naming the step', async () => {
  const model = await load(`${MODELS}/toy-nan`, nodeOptions);
  try {
    await assert.rejects(model.generate({ prompt: [3, 7, 5], maxNewTokens: 4 }), /NaN/);
    assert.equal(model.liveTensors(), 0);
    const ok = await model.generate({ prompt: [3, 5], maxNewTokens: 1, doSample: false });
    assert.equal(ok.tokens.length, 1, 'the model stays usable after an error');
  } finally {
    await model.dispose();
  }
});

test('max tokens 0 or beyond the context are refused before any run', async () => {
  const model = await load(`${MODELS}/toy`, nodeOptions);
  try {
    await assert.rejects(model.generate({ prompt: [1, 2], maxNewTokens: 0 }), /max_new_tokens/);
    await assert.rejects(model.generate({ prompt: [1, 2], maxNewTokens: 1e9 }), /prompt length 2 \+ max_new_tokens 1000000000 = 1000000002 exceeds dims\.max_positions 128/);
    await assert.rejects(model.generate({ prompt: [1, 9999] }), /9999/);
    await assert.rejects(model.generate({ prompt: [] }), /prompt/);
  } finally {
    await model.dispose();
  }
});
