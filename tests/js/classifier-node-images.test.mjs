// classify() in Node takes PNG/JPEG bytes (Buffer, Uint8Array) and file paths. The fixture PNGs give
// PyTorch's logits (Pillow decode + torchvision); a PNG made from the
// RGBA fixture by an encoder written for the tests must give exactly the RGBA fixture's logits
// (which equal PyTorch's); a JPEG (lossy) the same top-1. Bytes that are neither get a clear error.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { load } from '../../web/weft.js';
import { FIXTURES, MODELS } from '../../tools/paths.mjs';
import { nodeOptions } from './helpers.mjs';
import { encodePng } from './png-encode.mjs';

const ref = JSON.parse(readFileSync(`${FIXTURES}/classifier/reference.json`, 'utf8'));
const rgba = (i) => new Uint8Array(readFileSync(`${FIXTURES}/classifier/image${i}.rgba`));
const sizeOf = (i) => ref.images[i].match(/(\d+)x(\d+)/).slice(1).map(Number);
const classifier = await load(`${MODELS}/classifier-resnet18`, nodeOptions);
const dir = mkdtempSync(join(tmpdir(), 'weft-images-'));

const maxAbs = (a, b) => a.reduce((m, v, j) => Math.max(m, Math.abs(v - b[j])), 0);

test('PNG bytes, a PNG Uint8Array and a PNG file path give the RGBA logits exactly', async () => {
  for (const i of [0, 4]) {
    const [width, height] = sizeOf(i);
    const png = encodePng(rgba(i), width, height);
    const path = join(dir, `image${i}.png`);
    writeFileSync(path, png);
    const expected = await classifier.classifyDetailed(rgba(i), { width, height });
    assert.ok(maxAbs(ref.logits[i], expected.logits) < 1e-4);
    for (const input of [png, new Uint8Array(png), path]) {
      const got = await classifier.classifyDetailed(input);
      assert.equal(got.stats.width, width);
      assert.equal(got.stats.height, height);
      assert.deepEqual(got.logits, expected.logits);
      assert.equal(got.top[0].index, ref.top1[i]);
    }
  }
});

test('the fixture PNG files (written by Pillow) give PyTorch + torchvision logits, by path and as bytes', async () => {
  for (const [i, name] of ref.images.entries()) {
    const path = `${FIXTURES}/classifier/images/${name}`;
    const byPath = await classifier.classifyDetailed(path);
    assert.deepEqual([byPath.stats.width, byPath.stats.height], sizeOf(i));
    const diff = maxAbs(ref.logits[i], byPath.logits);
    assert.ok(diff < 1e-4, `${name}: max abs ${diff}`);
    assert.equal(byPath.top[0].index, ref.top1[i]);
    assert.deepEqual((await classifier.classifyDetailed(readFileSync(path))).logits, byPath.logits);
    console.log(`# ${name}: max abs vs PyTorch ${diff}`);
  }
});

test('JPEG bytes and a JPEG file: decoded, same top-1 as the lossless image', async () => {
  const [width, height] = sizeOf(0);
  const jpeg = await sharp(Buffer.from(rgba(0)), { raw: { width, height, channels: 4 } }).removeAlpha().jpeg({ quality: 95 }).toBuffer();
  assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  const path = join(dir, 'image0.jpg');
  writeFileSync(path, jpeg);
  for (const input of [jpeg, path]) {
    const got = await classifier.classifyDetailed(input);
    assert.deepEqual([got.stats.width, got.stats.height], [width, height]);
    assert.equal(got.top[0].index, ref.top1[0]);
    const diff = maxAbs(ref.logits[0], got.logits);
    console.log(`# JPEG q95 vs PyTorch logits on the lossless image: max abs ${diff}`);
  }
});

test('bytes that are neither an image nor RGBA of the stated size; unreadable and non-image files', async () => {
  await assert.rejects(classifier.classify(new Uint8Array(10), { width: 2, height: 2 }),
    /10 bytes are neither a PNG or JPEG image nor RGBA of a 2x2 image \(expected 16\)/);
  await assert.rejects(classifier.classify(new Uint8Array(16)), /16 bytes that are not a PNG or JPEG image; as RGBA bytes they need integer \{width, height\}/);
  const broken = Buffer.concat([encodePng(rgba(4), ...sizeOf(4)).subarray(0, 40)]);
  await assert.rejects(classifier.classify(broken), /weft: classify: could not decode the PNG image/);
  await assert.rejects(classifier.classify(join(dir, 'missing.png')), /could not read the image file '.*missing\.png' \(ENOENT/);
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  await assert.rejects(classifier.classify(join(dir, 'notes.txt')), /the file '.*notes\.txt' is not a PNG or JPEG image/);
  assert.equal(classifier.liveTensors(), 0);
});

test.after(async () => {
  await classifier.dispose();
  rmSync(dir, { recursive: true, force: true });
});
