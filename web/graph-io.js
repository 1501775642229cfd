// Components whose inputs or outputs the manifest leaves to the graph: their sessions are opened
// before the core parses the manifest, and what onnxruntime says about them (describeSession) is
// handed to the core, which fills the omitted lists and checks the declared ones (docs/MANIFEST.md,
// "components"). The JS layer decides nothing here: the core names the components, reads the
// descriptions and refuses what does not fit.

import { createSession, describeSession } from './backend.js';

/**
 * Opens a session for each component the core lists in Model.componentsToDescribe.
 * Returns { graphs: {name: describeSession(...)} or null when none, opened: Map(name -> {session, backend, bytes}) }.
 */
export async function describeUndeclaredComponents(core, pkg, runtime, { budgets, signal, onProgress, verify = true, sessionOptions }) {
  let components;
  try {
    components = JSON.parse(core.Model.componentsToDescribe(pkg.manifestText, budgets ?? null));
  } catch (error) {
    throw new Error(`${error.message} [${pkg.location}/weft.json]`, { cause: error });
  }
  const opened = new Map();
  if (!components.length) return { graphs: null, opened };
  let candidates = runtime.candidates;
  try {
    for (const component of components) {
      const { session, backend } = await openComponent(runtime, pkg, component, { candidates, signal, onProgress, verify, sessionOptions });
      opened.set(component.name, { session, backend });
      candidates = [backend]; // every component of a model runs on the same backend
    }
  } catch (error) {
    await releaseAll(opened);
    throw error;
  }
  const graphs = Object.fromEntries([...opened].map(([name, { session }]) => [name, describeSession(session)]));
  return { graphs, opened };
}

/** Reads a component's graph and external data (verified against the manifest) and creates its session. */
export async function openComponent(runtime, pkg, component, { candidates, signal, onProgress, verify = true, sessionOptions, stateOutputs = [], externalFiles = new Map() }) {
  const field = `components.${component.name}`;
  const bytes = await pkg.read(component.file, { bytes: component.bytes, sha256: component.sha256, verify, field: `${field}.file` });
  const externalData = [];
  for (const [k, ext] of (component.external_data ?? []).entries()) {
    if (!externalFiles.has(ext.file)) {
      externalFiles.set(ext.file, await pkg.read(ext.file, { bytes: ext.bytes, sha256: ext.sha256, verify, field: `${field}.external_data[${k}]` }));
    }
    externalData.push({ path: ext.file, data: externalFiles.get(ext.file) });
  }
  signal?.throwIfAborted();
  onProgress?.({ phase: 'session', file: component.file });
  return createSession(runtime, bytes, {
    label: `component '${component.name}' (${pkg.location}/${component.file})`,
    candidates,
    stateOutputs,
    sessionOptions: externalData.length ? { ...sessionOptions, externalData } : sessionOptions,
  });
}

export async function releaseAll(opened) {
  for (const { session } of opened.values()) await session.release?.();
  opened.clear();
}
