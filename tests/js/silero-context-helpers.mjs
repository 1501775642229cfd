// Silero VAD with its authors' 64-sample input context: a plain onnxruntime-node loop written
// against the graph, and a copy of the built Silero package that declares generator.context.
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { mutatedPackage } from './helpers.mjs';

export const VAD_WEB = join(dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-web')), '');
export const CHUNK = 512;
export const CONTEXT = 64;

// The authors' loop (silero-vad's OnnxWrapper): input = cat(context, chunk); context = input[-64:].
export async function plainWithContext(onnxPath, samples) {
  const session = await ort.InferenceSession.create(onnxPath);
  let state = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  let context = new Float32Array(CONTEXT);
  const out = [];
  for (let start = 0; start < samples.length; start += CHUNK) {
    const input = new Float32Array(CONTEXT + CHUNK);
    input.set(context, 0);
    input.set(samples.subarray(start, Math.min(start + CHUNK, samples.length)), CONTEXT);
    const r = await session.run({ input: new ort.Tensor('float32', input, [1, CONTEXT + CHUNK]), state, sr });
    out.push(r.output.data[0]);
    state = r.stateN;
    context = input.slice(input.length - CONTEXT);
  }
  await session.release();
  return Float32Array.from(out);
}

// The built Silero package with context declared; `file` is taken from vad-web's dist.
export function contextPackage(file) {
  return mutatedPackage('silero-vad', ({ dir, manifest }) => {
    copyFileSync(join(VAD_WEB, file), join(dir, file));
    const vad = manifest.components.vad;
    vad.file = file;
    vad.sha256 = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    vad.bytes = statSync(join(dir, file)).size;
    vad.inputs[0].shape = ['batch', 'frame'];
    delete manifest.dims;
    Object.assign(manifest.generator, { chunk: CHUNK, context: CONTEXT });
  });
}

