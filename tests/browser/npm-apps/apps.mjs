// The npm package as a user gets it: `npm pack` (which runs prepack), the tarball's file list, and
// fresh apps that install it from the tarball — Vite, webpack 5 (both with no configuration) and a
// plain Node script — in one folder outside the repository (so nothing resolves from the repo's
// own node_modules). Tool versions are pinned; the installed apps stay in the system temp folder,
// keyed on those versions and the checkout, and npm's own cache (shared with the set-up's
// `npm ci`, which already fetched onnxruntime-web and onnxruntime-node) serves the downloads.

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const HERE = dirname(fileURLToPath(import.meta.url));
export const TOOLS = { vite: '8.4.0', webpack: '5.113.0', 'webpack-cli': '7.3.1', 'onnxruntime-node': '1.30.0' };
const ENV = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' };

const run = (cmd, args, cwd, options = {}) => execFileSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 << 20, ...options });

/** Packs the repository (prepack builds the core) into build/npm-package; returns the tarball and its files. */
export function pack() {
  const out = join(ROOT, 'build/npm-package');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], ROOT, { stdio: ['ignore', 'pipe', 'inherit'] }));
  return { tarball: join(out, info.filename), files: info.files.map((f) => f.path).sort() };
}

/** The files `npm pack` would put in the tarball, without building anything. */
export function packedFiles() {
  const [info] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT, { stdio: ['ignore', 'pipe', 'ignore'] }));
  return info.files.map((f) => f.path).sort();
}

/** A fresh Vite app (vite/), webpack app (webpack/) and Node script (node-app.mjs) with the tarball installed. */
export function createApps(tarball) {
  // Keyed on the checkout too: two checkouts testing at once must not share (and clobber) the apps.
  const key = createHash('sha256').update(JSON.stringify({ TOOLS, ROOT })).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `weft-npm-apps-${key}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(tarball, join(dir, 'weft.tgz'));
  const pkg = { name: 'weft-user-apps', private: true, type: 'module', dependencies: { weft: 'file:./weft.tgz', ...TOOLS } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  rmSync(join(dir, 'node_modules/weft'), { recursive: true, force: true }); // the tarball is new each time
  rmSync(join(dir, 'package-lock.json'), { force: true });
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
  for (const app of ['vite', 'webpack']) rmSync(join(dir, app), { recursive: true, force: true });
  const source = (name) => readFileSync(join(HERE, name), 'utf8');
  mkdirSync(join(dir, 'vite'));
  for (const name of ['index.html', 'app.js', 'own-worker.js']) writeFileSync(join(dir, 'vite', name), source(name));
  mkdirSync(join(dir, 'webpack/src'), { recursive: true });
  writeFileSync(join(dir, 'webpack/src/index.js'), source('app.js')); // webpack's default entry
  writeFileSync(join(dir, 'webpack/src/own-worker.js'), source('own-worker.js'));
  writeFileSync(join(dir, 'node-app.mjs'), source('node-app.mjs'));
  return dir;
}

/** `vite build` and `webpack` with no configuration; returns each build's folder and the tools' output. */
export function buildApps(dir) {
  const bin = (name) => join(dir, 'node_modules/.bin', name);
  const vite = run(bin('vite'), ['build'], join(dir, 'vite'), { stdio: ['ignore', 'pipe', 'pipe'] });
  const webpack = run(bin('webpack'), ['--mode', 'production'], join(dir, 'webpack'), { stdio: ['ignore', 'pipe', 'pipe'] });
  // webpack with no configuration writes dist/main.js; the page that loads it is the app's own file.
  const html = source => source.replace('<script type="module" src="./app.js"></script>', '<script src="./main.js"></script>');
  writeFileSync(join(dir, 'webpack/dist/index.html'), html(readFileSync(join(HERE, 'index.html'), 'utf8')));
  return { vite: { out: join(dir, 'vite/dist'), log: vite }, webpack: { out: join(dir, 'webpack/dist'), log: webpack } };
}

/** Runs node-app.mjs in the apps folder: greedy tokens on onnxruntime-node and onnxruntime-web. */
export function runNodeApp(dir, source, fixture) {
  return JSON.parse(run(process.execPath, ['node-app.mjs', source, fixture], dir));
}

/** Starts `vite` (the dev server) on a free port with the model packages in public/; returns { url, stop }. */
export async function startViteDev(dir, models) {
  const app = join(dir, 'vite');
  mkdirSync(join(app, 'public'), { recursive: true });
  if (!existsSync(join(app, 'public/models'))) run('ln', ['-s', models, join(app, 'public/models')], app);
  const port = await freePort();
  const child = spawn(join(dir, 'node_modules/.bin/vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: app, env: ENV });
  const url = await new Promise((resolve, reject) => {
    let log = '';
    const onData = (data) => {
      log += data;
      const m = log.replace(/\x1b\[[0-9;]*m/g, '').match(/Local:\s+(http:\/\/\S+)/);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`vite dev exited (${code}): ${log}`)));
  });
  return { url, stop: () => { rmSync(join(app, 'public'), { recursive: true, force: true }); child.kill(); } };
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
