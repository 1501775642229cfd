// `npm run parity -- classifier`: every arch and precision in Chromium (wasm) against PyTorch
// with torchvision transforms on the same PNG images; one JSON line each.
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { ROOT, readJson } from '../paths.mjs';
import { inChromium } from './runtimes.mjs';

const PASS = [1e-4, 0.9999];
const WARN = [1e-2, 0.999];
// int8 packages against their own fp32 export: direction and decisions, max abs reported only
// (the toolkit's quantized_band in weft_models/common/validate.py).
const QUANT_PASS_COS = 0.999;
const QUANT_WARN_COS = 0.99;

const absoluteBand = ({ max_abs: m, cosine: c }) => (m < PASS[0] && c > PASS[1] ? 'PASS' : m < WARN[0] && c > WARN[1] ? 'WARN' : 'FAIL');
const quantizedBand = ({ cosine: c, agree, images }) => (c >= QUANT_PASS_COS && agree === images ? 'PASS' : c >= QUANT_WARN_COS ? 'WARN' : 'FAIL');

/** rule: 'absolute' (fp32 vs PyTorch) or 'quantized' (int8 vs its fp32 export). */
export function grade(reference, got, rule = 'absolute') {
  let maxAbs = 0; let dot = 0; let na = 0; let nb = 0; let agree = 0;
  // Reference top-1 minus top-2 logit per image: top-1 agreement means something only when the
  // smallest margin is well above max_abs (a flat head would agree by accident or by tie).
  let marginMin = Infinity; let sum = 0; let sq = 0; let count = 0;
  reference.forEach((ref, i) => {
    const [first, second] = [...ref].sort((a, b) => b - a);
    marginMin = Math.min(marginMin, first - second);
    ref.forEach((r) => { sum += r; sq += r * r; count += 1; });
    const g = got[i];
    if (!g || g.length !== ref.length) { maxAbs = Infinity; return; }
    ref.forEach((r, j) => {
      maxAbs = Math.max(maxAbs, Math.abs(r - g[j])); dot += r * g[j]; na += r * r; nb += g[j] * g[j];
    });
    if (argmax(ref) === argmax(g)) agree += 1;
  });
  // Identical outputs (also two zero tensors, where cosine is undefined) count as 1, as in weft_models/common/validate.py.
  const cosine = maxAbs === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
  const metrics = { max_abs: maxAbs, cosine, agree, images: reference.length };
  const band = (rule === 'quantized' ? quantizedBand : absoluteBand)(metrics);
  const logitStd = Math.sqrt(Math.max(0, sq / count - (sum / count) ** 2));
  return { max_abs: maxAbs, cosine, band, rule, top1_agree: `${agree}/${reference.length}`, agree,
    ref_margin_min: marginMin, ref_logit_std: logitStd };
}

const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);
const url = (path) => `/${relative(ROOT, path)}`;

/** Runs the routine in Chromium for one package; returns the graded line. */
export async function classifierParity(pkg, images, reference, backend = 'wasm', rule = 'absolute') {
  const r = await inChromium({
    module: '/tools/parity/classifier-weft.mjs', exportName: 'runClassifierWeft',
    args: { source: url(pkg), images: images.map(url), loadOptions: { backend } },
  });
  return { ...grade(reference, r.logits, rule), backend: r.backend };
}

export function preparePackages(archs, precisions = ['fp32', 'int8']) {
  const out = execFileSync(`${ROOT}.venv/bin/python`, ['-m', 'weft_fixtures.classifier_parity', '--out',
    `${ROOT}build/models/classifiers`, ...(archs?.length ? ['--archs', ...archs] : []), '--precisions', ...precisions], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

export async function classifierParityAll(emit, archs) {
  const plan = preparePackages(archs);
  for (const { arch, reference, packages } of plan.archs) {
    const refs = readJson(reference);
    for (const [precision, pkg] of Object.entries(packages)) {
      const quantized = precision === 'int8';
      const ref = quantized ? refs.fp32_export_logits : refs.logits;
      const g = await classifierParity(pkg, plan.images, ref, 'wasm', quantized ? 'quantized' : 'absolute');
      const ok = precision === 'fp32' ? g.band === 'PASS' && g.agree === ref.length : g.band !== 'FAIL';
      emit({ arch, precision, reference: quantized ? 'fp32 export' : 'PyTorch', rule: g.rule,
        max_abs: g.max_abs, cosine: g.cosine, band: g.band, top1_agree: g.top1_agree,
        ref_margin_min: g.ref_margin_min, ref_logit_std: g.ref_logit_std, quantization: plan.quantization?.[arch]?.[precision],
        runtime: `chromium-${g.backend}` }, ok);
    }
  }
}
