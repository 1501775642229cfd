// What a model package may read: its own files only. A file name from weft.json is untrusted
// (docs/MANIFEST.md, "Security model"); the core refuses a name that could leave the package, and
// the readers of package-source.js refuse it again here, with the same rule and the same words,
// before anything is fetched or read. They also check where a name resolved to (package-source.js).

const RULE = 'a package file must be a relative path inside the package';

/** Why `name` is not a relative path inside the package, or null when it is one. */
export function fileNameProblem(name) {
  if (typeof name !== 'string') return `is not a string but ${name === null ? 'null' : typeof name}`;
  if (name === '') return 'is empty';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds a control character';
  if (name.includes('\\')) return 'holds a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  const colon = name.indexOf(':');
  if (colon >= 0) {
    const slash = name.indexOf('/');
    return slash < 0 || slash > colon ? 'has a URL scheme' : 'holds a colon';
  }
  if (/[?#]/.test(name)) return 'holds a URL query or fragment';
  if (/%(2e|2f|5c|00)/i.test(name)) return 'holds a percent-encoded dot, slash, backslash or NUL';
  for (const segment of name.split('/')) {
    if (segment === '') return 'has an empty path segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  }
  return null;
}

/**
 * Returns `name` when it is a relative path inside the package, else throws
 * `weft: <where>: "<name>" <problem> (a package file must be a relative path inside the package)`.
 */
export function checkFileName(name, where) {
  const problem = fileNameProblem(name);
  if (problem) throw new Error(`weft: ${where}: ${show(name)} ${problem} (${RULE})`);
  return name;
}

/** Whether `url` is under the package folder's URL `base` (ending in "/"): same origin, path prefix. */
export function urlInside(url, base) {
  const [u, b] = [new URL(url), new URL(base)];
  const sameOrigin = u.origin === b.origin && u.protocol === b.protocol && u.host === b.host; // "null" origins too (file:)
  return b.pathname.endsWith('/') && sameOrigin && u.pathname.startsWith(b.pathname);
}

/** Whether `path` is under `folder` (both absolute and resolved), with `sep` the path separator. */
export function pathInside(path, folder, sep = '/') {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** The error for a name that resolved outside the package anyway (a symlink, a URL quirk). */
export function outsidePackage(where, name, resolved) {
  return new Error(`weft: ${where}: ${show(name)} resolves to ${resolved}, outside the package (a package reads only its own files)`);
}

function show(name) {
  return typeof name === 'string' ? JSON.stringify(name) : String(name);
}
