// Chooses the onnxruntime implementation and execution provider, and creates sessions.
// Any onnxruntime-common implementation works: onnxruntime-web (default) or onnxruntime-node.

import { fileHost } from './host.js';

const BACKENDS_WEB = ['webgpu', 'wasm'];
const ORT_WEB = 'onnxruntime-web';

/**
 * Returns { ort, kind: 'web'|'node'|'other', candidates: [backend names in preference order],
 * lacking: [device features WebGPU lacks here, e.g. 'shader-f16'] }.
 */
export async function resolveRuntime({ ort, backend = 'auto' } = {}) {
  const runtime = ort ?? (await defaultOrt(backend));
  const kind = runtime.env?.versions?.web ? 'web' : runtime.env?.versions?.node ? 'node' : 'other';
  const adapter = kind === 'web' && backend !== 'wasm' && backend !== 'cpu' ? await webgpuAdapter() : null;
  let candidates;
  if (backend !== 'auto') {
    candidates = [backend];
  } else if (kind === 'web') {
    candidates = adapter ? BACKENDS_WEB : ['wasm'];
  } else {
    candidates = ['cpu'];
  }
  // the core keeps fp16 packages off a WebGPU device without f16 shaders (package_variants.h)
  const lacking = adapter && !adapter.features?.has('shader-f16') ? ['shader-f16'] : [];
  return { ort: runtime, kind, candidates, lacking };
}

/**
 * onnxruntime-web when the caller gives no `ort`. In browsers, backend 'wasm' takes its wasm-only
 * build (onnxruntime-web/wasm) and anything else its WebGPU build (onnxruntime-web/webgpu), about
 * half and all of the download: a bundler emits both, a page fetches only the one it uses. A page
 * whose import map names only 'onnxruntime-web' gets that (a specifier bundlers leave alone).
 * Node: onnxruntime-web's own Node build, imported by node-host.js.
 */
async function defaultOrt(backend) {
  const host = await fileHost();
  if (host) return host.importOrtWeb();
  try {
    return await (backend === 'wasm' ? import('onnxruntime-web/wasm') : import('onnxruntime-web/webgpu'));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // TypeError: a specifier the page's import map lacks
    return import(/* webpackIgnore: true */ /* @vite-ignore */ ORT_WEB).catch(() => { throw error; });
  }
}

async function webgpuAdapter() {
  try {
    return (await globalThis.navigator?.gpu?.requestAdapter()) ?? null;
  } catch {
    return null;
  }
}

/**
 * Creates an InferenceSession on the first candidate backend that accepts the graph.
 * State outputs stay where the runtime put them: on WebGPU they are requested as gpu-buffer.
 */
export async function createSession(runtime, bytes, { label, candidates, stateOutputs = [], sessionOptions = {} }) {
  const failures = [];
  for (const backend of candidates) {
    const options = {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      ...sessionOptions,
    };
    if (backend === 'webgpu' && stateOutputs.length) {
      options.preferredOutputLocation = Object.fromEntries(stateOutputs.map((name) => [name, 'gpu-buffer']));
    }
    try {
      const session = await runtime.ort.InferenceSession.create(bytes, options);
      return { session, backend };
    } catch (error) {
      failures.push(`${backend}: ${firstLine(error)}`);
    }
  }
  throw new Error(`weft: ${label}: onnxruntime could not load the graph (${failures.join('; ')})`);
}

/** The session's real inputs/outputs, in the shape the core's validateComponent expects. */
export function describeSession(session) {
  const describe = (names, metadata) => names.map((name, i) => {
    const meta = Array.isArray(metadata) ? metadata[i] : undefined;
    return meta && meta.isTensor !== false
      ? { name, type: meta.type, shape: meta.shape?.map(normalizeDim) }
      : { name };
  });
  return {
    inputs: describe(session.inputNames, session.inputMetadata),
    outputs: describe(session.outputNames, session.outputMetadata),
  };
}

// onnxruntime-web reports an unnamed dynamic dim as -1 or as its uint32 form 4294967295.
function normalizeDim(d) {
  return typeof d === 'number' && d >= 0 && d < 2 ** 31 ? d : typeof d === 'string' ? d : '';
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}
