// Silero VAD with its authors' 64-sample input context: a plain onnxruntime-node loop written
// against the graph, and a copy of the built Silero package that declares generator.context.
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mutatedPackage } from './helpers.mjs';
import { SILERO_V5_LOOP, sileroAuthorsLoop } from './worked-examples-helpers.mjs';

export const VAD_WEB = join(dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-web')), '');
export const CHUNK = 512;
export const CONTEXT = 64;

// The authors' loop (silero-vad's OnnxWrapper): input = cat(context, chunk); context = input[-64:].
export const plainWithContext = (onnxPath, samples) => sileroAuthorsLoop(onnxPath, SILERO_V5_LOOP, samples);

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

