// Weft's public entry point: load a model package and get the task its manifest describes.

import { describeSession, resolveRuntime } from './backend.js';
import { describeUndeclaredComponents, openComponent, releaseAll } from './graph-io.js';
import { ImageClassifier } from './image-classifier.js';
import { loadCore } from './core-loader.js';
import { MusicGenerator } from './music-generator.js';
import { SpeechSynthesizer } from './speech-synthesizer.js';
import { openChosenPackage } from './package-variants.js';
import { StreamProcessor } from './stream-processor.js';
import { TextGenerator } from './text-generator.js';
import { formatFromName, loadTokenizer } from './tokenizer.js';

export { loadCore };
export { loadTokenizer, Tokenizer } from './tokenizer.js';
export { decodeWav, deinterleave, encodeWav, resample, toMono } from './audio.js';
export { loadInWorker, transfer } from './worker-client.js';
export { cachedPackages, clearCache } from './package-cache.js';

/** The task classes; each names the generator type (manifest `generator.type`) it serves. */
const TASKS = [TextGenerator, StreamProcessor, ImageClassifier, MusicGenerator, SpeechSynthesizer];
const taskFor = new Map(TASKS.map((Task) => [Task.generatorType, Task]));

/**
 * Loads a model package (a folder with weft.json) from a URL or, in Node, a path.
 * options: { ort, backend: 'auto'|'webgpu'|'wasm'|'cpu', precision, kind, coreUrl, onProgress, signal, verify, cache, sessionOptions, budgets }
 * kind: the generator type the caller expects (weft.d.ts types the result by it); another is an error.
 * An index weft.json (one package per precision) loads the first variant for the resolved backend;
 * precision: 'fp32'|'fp16'|'int8' forces one.
 */
export async function load(source, options = {}) {
  const { signal, onProgress } = options;
  const core = await loadCore({ coreUrl: options.coreUrl });
  const runtime = await resolveRuntime(options);
  const openOptions = { signal, onProgress, fetchImpl: options.fetch ?? globalThis.fetch, cache: options.cache, budgets: options.budgets };
  // An index picks its variant by the runtime's backends; a package may narrow them (its `backends`).
  const { pkg, candidates, precision } = await openChosenPackage(core, source, runtime, options, openOptions);
  runtime.candidates = candidates;
  // Components whose inputs/outputs the manifest leaves to the graph are opened first (graph-io.js).
  const { graphs, opened } = await describeUndeclaredComponents(core, pkg, runtime, options);
  let manifest;
  try {
    manifest = core.Model.fromJson(pkg.manifestText, options.budgets ?? null, graphs);
  } catch (error) {
    await releaseAll(opened);
    throw new Error(`${error.message} [${pkg.location}/weft.json]`, { cause: error });
  }
  const model = new WeftModel(core, manifest);
  try {
    const type = model.info.generator.type;
    if (options.kind !== undefined && options.kind !== type) {
      throw new Error(`weft: ${pkg.location}/weft.json: the package is a '${type}' model, not the '${options.kind}' that options.kind expects`);
    }
    model.runtime = runtime;
    model.precision = precision;
    await loadComponents(model, pkg, options, opened);
    const tokenizerFile = model.info.tokenizer;
    if (tokenizerFile) {
      const bytes = await pkg.read(tokenizerFile.file, { bytes: tokenizerFile.bytes, sha256: tokenizerFile.sha256, verify: options.verify ?? true, field: 'tokenizer.file' });
      const format = formatFromName(tokenizerFile.file); // undefined: the core tells by the bytes
      model.tokenizer = await loadTokenizer(bytes, { core, format });
      manifest.attachTokenizer(bytes, format ?? 'auto'); // for generators that read text themselves (pocket_tts)
    }
    onProgress?.({ phase: 'ready', backend: model.backend });
  } catch (error) {
    await releaseAll(opened);
    await model.dispose();
    throw error;
  }
  const Task = taskFor.get(model.info.generator.type);
  if (!Task) {
    await model.dispose();
    throw new Error(`weft: ${pkg.location}/weft.json: this version of the JS layer has no task for generator type '${model.info.generator.type}'`);
  }
  model.task = new Task(model);
  return model.task;
}

/**
 * Reads each used component's graph and external data, creates its session and checks it against
 * the manifest. A session opened earlier to describe the graph (`opened`) is kept, unless WebGPU
 * should keep the component's state outputs on the GPU, which is set when a session is created.
 */
async function loadComponents(model, pkg, { signal, onProgress, verify = true, sessionOptions }, opened) {
  const { manifest } = model;
  let candidates = model.runtime.candidates;
  let components = JSON.parse(manifest.componentsJson());
  const externalFiles = new Map(); // an external data file shared by several graphs is read once
  for (let i = 0; i < components.length; i += 1) {
    const component = components[i];
    const early = opened.get(component.name);
    opened.delete(component.name);
    // a component made for some backends only (components.<name>.backends) is opened on those
    const allowed = candidates.filter((b) => !component.backends || component.backends.includes(b));
    const reusable = early && allowed.includes(early.backend) && !(early.backend === 'webgpu' && component.state_outputs.length);
    if (early && (!reusable || component.used === false)) await early.session.release?.();
    if (component.used === false || !allowed.length) continue;
    const { session, backend } = reusable ? early : await openComponent(model.runtime, pkg, component, {
      // a resident component (one that updates a slot in place) leaves every output on the GPU
      candidates: allowed, signal, onProgress, verify, sessionOptions, externalFiles,
      stateOutputs: component.resident ? component.outputs : component.state_outputs,
    });
    model.sessions.set(component.name, session);
    manifest.validateComponent(component.name, JSON.stringify(describeSession(session)));
    if (model.backend === null) {
      // every component of a model runs on the same backend; which ones the generators run
      // may depend on it, so the core says again
      candidates = [backend];
      model.backend = backend;
      manifest.setBackend(backend);
      components = JSON.parse(manifest.componentsJson());
    }
  }
}

/** What a loaded package holds: the core's model, the ORT sessions, the backend actually used. */
class WeftModel {
  constructor(core, manifest) {
    this.core = core;
    this.manifest = manifest;
    this.info = JSON.parse(manifest.infoJson());
    this.name = this.info.name;
    this.sessions = new Map();
    this.runtime = null;
    this.backend = null;
    this.precision = null; // the package's declared precision ('fp32', 'fp16', 'int8'), or null
    this.tokenizer = null;
    this._live = new Set();
    this.disposed = false;
  }

  assertUsable() {
    if (this.disposed) throw new Error(`weft: model '${this.name}' has been disposed`);
  }

  createGenerator(optionsJson) {
    return this.manifest.createGenerator(optionsJson);
  }

  /** Live ORT tensors held by running generations (0 when idle). */
  liveTensors() {
    let n = 0;
    for (const runner of this._live) n += runner.liveTensors;
    return n;
  }

  /** Where running generations keep their state tensors ('cpu', 'gpu-buffer', …), one per slot. */
  stateLocations() {
    return [...this._live].flatMap((runner) => runner.slots.map((t) => t?.location ?? 'none'));
  }

  async dispose() {
    if (this.disposed) return;
    this.disposed = true;
    for (const runner of this._live) runner.dispose();
    this._live.clear();
    for (const session of this.sessions.values()) await session.release?.();
    this.sessions.clear();
    this.tokenizer?.dispose();
    this.manifest.delete();
  }
}
