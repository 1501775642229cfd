// The independent side of the Silero parity: a plain onnxruntime-node loop written directly
// against the graph (state → stateN, sr), with no Weft code involved.
import * as ort from 'onnxruntime-node';

export async function runSileroPlain(onnxPath, samples, chunk = 512) {
  const session = await ort.InferenceSession.create(onnxPath);
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  const probabilities = [];
  for (let start = 0; start < samples.length; start += chunk) {
    const frame = new Float32Array(chunk);
    frame.set(samples.subarray(start, Math.min(start + chunk, samples.length)));
    const out = await session.run({ input: new ort.Tensor('float32', frame, [1, chunk]), state, sr });
    probabilities.push(out.output.data[0]);
    state = out.stateN;
  }
  await session.release();
  return probabilities;
}
