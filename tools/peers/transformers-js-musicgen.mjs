// transformers.js (@huggingface/transformers) running MusicGen from a Weft MusicGen package: the
// peer library whose own loop (its generate, its CFG processor, its delay-pattern handling) runs
// on the package's config.json, generation_config.json, tokenizer files and the ONNX files it
// loads (text_encoder, decoder_model_merged, encodec_decode) — nothing of Weft's runtime.
//
// Runtimes inside Node:
//   device 'cpu'  -> onnxruntime-node (transformers.js' default in Node);
//   device 'wasm' -> onnxruntime-web's wasm backend, handed to transformers.js through
//                    globalThis[Symbol.for('onnxruntime')], the hook it reads at import time for a
//                    runtime supplied by the host. By default the onnxruntime-web copy that
//                    transformers.js itself pins; `ort` picks another (e.g. the project's).
// transformers.js fixes its runtime when its module is evaluated, so each device gets its own
// module instance (the same file imported under a distinct URL); both can live in one process.
// The wasm instance's onnxruntime-web and thread count are those of its first load.

import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const ORT_SYMBOL = Symbol.for('onnxruntime');
const DEVICES = ['cpu', 'wasm'];
const DTYPES = ['fp32', 'q8'];
const REQUIRED_FILES = ['weft.json', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json',
  'text_encoder.onnx', 'decoder_model_merged.onnx', 'encodec_decode.onnx'];

const instances = new Map(); // runtime key -> {ort, module: Promise<transformers.js namespace>}
const runtimeIds = new WeakMap(); // onnxruntime-web instance -> its number in `instances` keys
let runtimeCount = 0;

function transformersEntry() {
  return import.meta.resolve('@huggingface/transformers'); // the Node ESM build
}

/** onnxruntime-web as transformers.js pins it (its own nested copy when it has one). */
async function pinnedOrtWeb() {
  const entry = fileURLToPath(transformersEntry());
  const req = createRequire(entry);
  return import(pathToFileURL(req.resolve('onnxruntime-web')).href);
}

function wasmDir(ort) {
  // transformers.js points onnxruntime-web at a CDN unless wasmPaths is already set: keep it local.
  const req = createRequire(import.meta.url);
  const candidates = [
    path.join(path.dirname(fileURLToPath(transformersEntry())), '..', 'node_modules', 'onnxruntime-web', 'dist'),
    path.dirname(req.resolve('onnxruntime-web')),
  ];
  const want = ort.env.versions?.web;
  for (const dir of candidates) {
    const pkgJson = path.join(dir, '..', 'package.json');
    if (existsSync(pkgJson) && JSON.parse(readFileSync(pkgJson, 'utf8')).version === want) return dir;
  }
  throw new Error(`transformers.js peer: cannot find the wasm files of onnxruntime-web ${want}`);
}

/**
 * onnxruntime-web as handed to transformers.js in Node. There transformers.js gives a graph's
 * external data to the runtime only as file contents it fetched itself, and in Node it fetches
 * none: it expects onnxruntime-node, which finds `<model>_data` beside the model on its own.
 * onnxruntime-web does not, so a graph path with that file beside it gets it named here. Both are
 * handed over as bytes: a self-contained onnxruntime-web bundle (secondOrtWeb) reads no paths.
 */
function withExternalDataFromDisk(web) {
  const create = (model, options = {}) => {
    if (typeof model !== 'string') return web.InferenceSession.create(model, options);
    const data = `${model}_data`;
    if (!options.externalData && existsSync(data)) {
      options = { ...options, externalData: [{ path: path.basename(data), data: readFileSync(data) }] };
    }
    return web.InferenceSession.create(readFileSync(model), options);
  };
  return { ...web, InferenceSession: { ...web.InferenceSession, create } };
}

/**
 * Another instance of the project's onnxruntime-web: the same build (its self-contained bundle,
 * given the same wasm binary) imported under a URL of its own, so it has its own wasm heap. For a
 * peer that cannot share the host's heap but must run on the same onnxruntime-web build.
 */
export async function secondOrtWeb(tag = 'peer') {
  const dist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const web = await import(`${pathToFileURL(path.join(dist, 'ort.wasm.bundle.min.mjs')).href}?instance=${tag}`);
  web.env.wasm.wasmBinary = readFileSync(path.join(dist, 'ort-wasm-simd-threaded.wasm'));
  return web;
}

async function loadTransformers(device, { ort, threads } = {}) {
  if (!DEVICES.includes(device)) {
    throw new Error(`transformers.js peer: device must be one of ${DEVICES.join(', ')}, got ${JSON.stringify(device)}`);
  }
  // One module instance per (device, runtime): transformers.js may run on the host's
  // onnxruntime-web and on the copy it pins, side by side (two wasm heaps).
  if (ort && !runtimeIds.has(ort)) runtimeIds.set(ort, (runtimeCount += 1));
  const key = device === 'cpu' ? 'onnxruntime-node' : ort ? `onnxruntime-web-host-${runtimeIds.get(ort)}` : 'onnxruntime-web-pinned';
  if (instances.has(key)) return instances.get(key).module;
  const entry = { ort };
  entry.module = (async () => {
    if (device === 'cpu') return import(`${transformersEntry()}?runtime=onnxruntime-node`);
    const web = ort ?? (await pinnedOrtWeb());
    entry.ort = web;
    web.env.wasm.wasmPaths = pathToFileURL(wasmDir(web)).href + '/';
    if (threads) web.env.wasm.numThreads = threads;
    if (ORT_SYMBOL in globalThis) throw new Error('transformers.js peer: globalThis[Symbol.for("onnxruntime")] is already set');
    globalThis[ORT_SYMBOL] = withExternalDataFromDisk(web);
    try {
      return await import(`${transformersEntry()}?runtime=${key}`);
    } finally {
      delete globalThis[ORT_SYMBOL]; // only this instance reads it (at its evaluation)
    }
  })();
  instances.set(key, entry);
  entry.module.catch(() => instances.delete(key)); // a failed load may be retried
  return entry.module;
}

function checkPackage(pkgDir, dtype) {
  const missing = REQUIRED_FILES.filter((f) => !existsSync(path.join(pkgDir, f)));
  if (missing.length) throw new Error(`transformers.js peer: ${pkgDir} lacks ${missing.join(', ')}`);
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'weft.json'), 'utf8'));
  const int8 = Boolean(manifest.validation?.int8);
  // A Weft int8 package keeps the file names and quantizes the files themselves; transformers.js'
  // 'q8' means "the *_quantized.onnx files", so it is asked for its plain names here.
  if (dtype === 'q8' && !int8) {
    throw new Error(`transformers.js peer: dtype 'q8' needs an int8 package (weft-models quantize musicgen --mode int8); ${pkgDir}/weft.json has no validation.int8`);
  }
  if (dtype === 'fp32' && int8) {
    throw new Error(`transformers.js peer: ${pkgDir} is an int8 package; load it with dtype 'q8'`);
  }
}

/**
 * Loads MusicgenForConditionalGeneration and its tokenizer from a package folder, offline.
 * @param {string} pkgDir
 * @param {{device?: 'cpu'|'wasm', dtype?: 'fp32'|'q8', threads?: number, ort?: object}} [options]
 */
export async function loadPeer(pkgDir, { device = 'cpu', dtype = 'fp32', threads, ort } = {}) {
  if (!DTYPES.includes(dtype)) {
    throw new Error(`transformers.js peer: dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  }
  const dir = path.resolve(pkgDir);
  checkPackage(dir, dtype);
  const T = await loadTransformers(device, { ort, threads });
  const { env } = T;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false; // nothing fetched, nothing to cache
  env.useBrowserCache = false;
  env.localModelPath = `${path.dirname(dir)}/`;
  env.cacheDir = path.join(tmpdir(), 'weft-transformers-js-cache'); // unused offline; never node_modules
  const id = path.basename(dir);
  const sessionOptions = device === 'wasm'
    ? { executionProviders: ['wasm'] }
    : { executionProviders: ['cpu'], ...(threads ? { intraOpNumThreads: threads } : {}) };
  const tokenizer = await T.AutoTokenizer.from_pretrained(id);
  const model = await T.MusicgenForConditionalGeneration.from_pretrained(id, {
    subfolder: '', // files sit beside config.json
    dtype: 'fp32', // see checkPackage: int8 packages keep plain file names
    // With a host-supplied runtime transformers.js lists no devices of its own; 'auto' lets the
    // execution providers above through unchanged.
    device: device === 'wasm' ? 'auto' : 'cpu',
    session_options: sessionOptions,
  });
  return { T, model, tokenizer, device, dtype, pkgDir: dir, runtime: T.env.backends.onnx.versions };
}

// The generate calls themselves take no Node API, so benchmark pages import them as well.
export { peerGenerateAudio, peerGreedyCodes, peerTextIds, peerTimedGenerate, stampingStreamer } from './transformers-js-musicgen-calls.mjs';
