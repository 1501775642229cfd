// `npm run parity -- musicgen`, peer line: Weft's greedy codes vs transformers.js
// (@huggingface/transformers) running its own MusicGen generate on the same package files, both
// on onnxruntime-node.
//
// transformers.js pads only the start of its delay pattern, while transformers (and Weft) also
// force the special token into the pattern's trailing cells; the last nq - 2 steps read those
// cells, so they are left out of the comparison and the line says so (`end_steps_excluded`).
import * as weft from '../../web/weft.js';
import { FIXTURES, MODELS, readJson } from '../paths.mjs';
import { loadPeer, peerGreedyCodes } from '../peers/transformers-js-musicgen.mjs';
import { peerAgreement } from './musicgen-weft.mjs';

export async function musicgenPeerParity() {
  const refs = readJson(`${FIXTURES}/musicgen_weft_refs.json`);
  const { text, codes } = refs.text;
  const frames = codes[0][0].length;
  const cfg = refs.guidance_scale;
  const source = `${MODELS}/musicgen-tiny`;
  const mg = await weft.load(source, { ort: await import('onnxruntime-node'), backend: 'cpu' });
  const peer = await loadPeer(source, { device: 'cpu' });
  try {
    const w = await mg.generate({ text, maxNewFrames: frames, cfg, doSample: false, returnCodes: true });
    const theirs = await peerGreedyCodes(peer, text, { maxNewTokens: w.steps, guidanceScale: cfg });
    const { compared, matched } = peerAgreement(w.codes, theirs, w.steps);
    return { pipeline: 'text', peer: 'transformers.js', runtime: 'onnxruntime-node', cfg, steps: compared,
      matched, end_steps_excluded: w.steps - compared };
  } finally {
    await mg.dispose();
    await peer.model.dispose?.();
  }
}
