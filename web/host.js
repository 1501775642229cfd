// What the JS layer needs beyond the web platform: reading local files by path (Node, Electron's
// main process). The package's Node entry (node.js) installs node-host.js up front; the browser
// entry (weft.js) never imports a Node built-in, so bundlers see none. When weft.js itself runs in
// Node (imported by its path, or bundled for a Node target), node-host.js is imported on first use
// through a specifier that bundlers leave alone.

export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

const NODE_HOST = './node-host.js';
let host = null;

/** Installs the file access of a non-browser host ({ fs, path, fileURLToPath }, see node-host.js). */
export function setHost(value) {
  host = value;
}

/** The host's file access, or null in browsers and workers. */
export async function fileHost() {
  if (host || !isNode) return host;
  host = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_HOST);
  return host;
}

/** Whether a location string names a local file (a path or a file: URL) rather than something to fetch. */
export function isLocalFile(text) {
  return isNode && !/^(https?:|blob:|data:)/.test(text);
}
