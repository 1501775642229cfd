// Headless Debian Chromium driven by playwright-core, pointed at the local static server.
// WebGPU comes from SwiftShader (correct, not fast): it is enabled with --enable-unsafe-webgpu.

import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './static-server.mjs';

const CHROMIUM = process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/**
 * Opens `pagePath` on a fresh server and browser, runs fn(page, baseUrl, errors, {server}), then
 * closes both. `args`: extra Chromium flags (e.g. a fake microphone); `mounts`: more folders for
 * the server to serve ({ '/url-prefix/': dir }, tools/static-server.mjs).
 */
export async function withPage(pagePath, fn, { onConsole, args = [], mounts } = {}) {
  const { server, url } = await startServer({ mounts });
  const profile = await mkdtemp(join(tmpdir(), 'weft-chromium-'));
  const flags = [...FLAGS, ...args];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...flags, `--user-data-dir=${profile}`], ignoreDefaultArgs: ['--headless'] })
    .catch(async () => chromium.launch({ executablePath: CHROMIUM, args: flags }));
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    page.on('console', (message) => onConsole?.(message.text()));
    await page.goto(`${url}${pagePath}`);
    return await fn(page, url, errors, { server });
  } finally {
    await browser.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
}
