// Runs the isomorphic parity routines on each runtime Weft supports:
// onnxruntime-node, onnxruntime-web (wasm) in Node, and Chromium with wasm or WebGPU.

import * as weft from '../../web/weft.js';
import { withPage } from '../browser.mjs';
import { FIXTURES, MODELS, readFloat32, readJson } from '../paths.mjs';
import { runSileroWeft } from './silero-weft.mjs';
import { runToyGreedy } from './toy-greedy.mjs';

export const RUNTIMES = ['node', 'web-wasm', 'chromium-wasm', 'chromium-webgpu'];
const RUNTIME_LABELS = { node: 'onnxruntime-node', 'web-wasm': 'onnxruntime-web-wasm' };

export function runtimeLabel(runtime) {
  return RUNTIME_LABELS[runtime] ?? runtime;
}

/** Load options selecting an ORT implementation inside Node. */
export async function nodeLoadOptions(runtime) {
  if (runtime === 'node') return { ort: await import('onnxruntime-node'), backend: 'cpu' };
  if (runtime === 'web-wasm') return { ort: await import('onnxruntime-web'), backend: 'wasm' };
  throw new Error(`not a Node runtime: ${runtime}`);
}

/**
 * Evaluates `task` ({module, exportName, args}) inside the test harness page in Chromium.
 */
export function inChromium(task) {
  return withPage('/tests/browser/harness.html', (page, _url, errors) => evaluateInPage(page, task, errors));
}

/** Runs `task` in an open page (one of withPage's); `errors` is withPage's list of page errors. */
export async function evaluateInPage(page, task, errors = []) {
  const result = await page.evaluate(async ({ module, exportName, args }) => {
    const weftModule = await import('/web/weft.js');
    const routine = (await import(module))[exportName];
    const resolved = {};
    for (const [key, value] of Object.entries(args)) {
      if (value && value.fetchJson) resolved[key] = await (await fetch(value.fetchJson)).json();
      else if (value && value.fetchFloat32) resolved[key] = new Float32Array(await (await fetch(value.fetchFloat32)).arrayBuffer());
      else resolved[key] = value;
    }
    return routine(weftModule, resolved);
  }, task);
  if (errors.length) throw errors[0];
  return result;
}

/** Each isomorphic routine: how to call it in a page (fetched args) and in Node (read args). */
const ROUTINES = {
  toyGreedy: {
    module: '/tools/parity/toy-greedy.mjs',
    exportName: 'runToyGreedy',
    run: runToyGreedy,
    page: { source: '/build/models/toy', fixture: { fetchJson: '/build/models/fixtures/toy_greedy.json' } },
    node: () => ({ source: `${MODELS}/toy`, fixture: readJson(`${FIXTURES}/toy_greedy.json`) }),
  },
  silero: {
    module: '/tools/parity/silero-weft.mjs',
    exportName: 'runSileroWeft',
    run: runSileroWeft,
    page: { source: '/build/models/silero-vad', samples: { fetchFloat32: '/build/models/fixtures/speech16k.f32' } },
    node: () => ({ source: `${MODELS}/silero-vad`, samples: readFloat32(`${FIXTURES}/speech16k.f32`) }),
  },
};

async function routineOn(name, runtime) {
  const routine = ROUTINES[name];
  if (runtime.startsWith('chromium-')) {
    const loadOptions = { backend: runtime.slice('chromium-'.length) };
    return inChromium({ module: routine.module, exportName: routine.exportName, args: { ...routine.page, loadOptions } });
  }
  return routine.run(weft, { ...routine.node(), loadOptions: await nodeLoadOptions(runtime) });
}

export const toyGreedyOn = (runtime) => routineOn('toyGreedy', runtime);
export const sileroOn = (runtime) => routineOn('silero', runtime);
