// `npm run bench -- classifier`: images/s of Weft vs a plain onnxruntime-web loop with JS
// preprocessing, in one Chromium page (same process, same wasm backend), and int8/fp32 speed.
import { existsSync } from 'node:fs';
import { inChromium } from '../tools/parity/runtimes.mjs';
import { MODELS } from '../tools/paths.mjs';

export async function benchClassifier() {
  const arch = process.env.WEFT_BENCH_ARCH ?? 'resnet18';
  const dir = `${MODELS}/classifiers/${arch}`;
  if (!existsSync(`${dir}/int8/weft.json`)) throw new Error(`${dir}: run npm run parity -- classifier first (it exports the packages)`);
  const packages = { fp32: `/build/models/classifiers/${arch}/fp32`, int8: `/build/models/classifiers/${arch}/int8` };
  const r = await inChromium({ module: '/bench/classifier-page.mjs', exportName: 'benchClassifierPage',
    args: { packages, image: '/build/models/classifiers/images/image0_640x480.png' } });
  for (const precision of Object.keys(packages)) {
    const v = r[precision];
    console.log(JSON.stringify({ bench: 'classifier', arch, precision, backend: 'chromium-wasm', image: `${r.image.width}x${r.image.height}`,
      images: v.images, weft_images_per_s: v.weft, plain_ort_web_images_per_s: v.plain, weft_over_plain: v.weft / v.plain }));
  }
  console.log(JSON.stringify({ bench: 'classifier', arch, int8_over_fp32_weft: r.int8.weft / r.fp32.weft,
    int8_over_fp32_plain: r.int8.plain / r.fp32.plain }));
}
