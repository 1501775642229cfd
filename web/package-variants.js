// Packages by precision (docs/MANIFEST.md, "Package index"): the core decides which variant of
// an index and which backends of a package fit the runtime; this only follows its answer, opening
// the chosen variant's folder as a package of its own (it reads only its own files).

import { checkFileName } from './package-files.js';
import { openPackage } from './package-source.js';

/**
 * Opens `source` and, when it is an index, the variant the core picks for the runtime's candidates
 * (options.precision forces one). → { pkg, candidates (the backends the package is for), precision }.
 */
export async function openChosenPackage(core, source, { candidates, lacking }, options, openOptions) {
  let pkg = await openPackage(source, openOptions);
  const choose = (p, backends, opts) => chooseFor(core, p, backends, lacking, opts);
  let choice = choose(pkg, candidates, options);
  if (choice.index) {
    const index = pkg.location;
    checkFileName(choice.folder, `${index}/weft.json: variants`); // the core checked it too
    pkg = await openPackage(`${index}/${choice.folder}`, { ...openOptions, within: index });
    choice = choose(pkg, choice.backends, { ...options, precision: choice.precision });
    if (choice.index) throw new Error(`weft: ${pkg.location}/weft.json: a variant of the index ${index}/weft.json is itself an index`);
  }
  return { pkg, candidates: choice.backends, precision: choice.precision };
}

function chooseFor(core, pkg, candidates, lacking, { budgets, precision }) {
  try {
    return JSON.parse(core.choosePackage(pkg.manifestText, budgets ?? null, candidates, precision ?? null, lacking ?? []));
  } catch (error) {
    throw new Error(`${error.message} [${pkg.location}/weft.json]`, { cause: error });
  }
}
