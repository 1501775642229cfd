// In a page: a Silero package (with or without generator.context), run with process() and with stream() fed in
// uneven pieces. Returns both result lists and the backend.
export async function runSileroContext(weft, { source, samples, loadOptions = {} }) {
  const vad = await weft.load(source, loadOptions);
  try {
    const whole = Array.from((await vad.process(samples)).results);
    const stream = vad.stream();
    const pieces = [];
    for (let start = 0, size = 300; start < samples.length; start += size, size = (size * 7) % 2000 + 37) {
      pieces.push(...await stream.push(samples.subarray(start, start + size)));
    }
    pieces.push(...await stream.end());
    return { whole, pieces, backend: vad.backend, context: vad.contextSize };
  } finally {
    await vad.dispose();
  }
}
