// Benchmark graphs written by a Python tool (tools/*.py OUT_DIR) into a folder, once: later runs
// read the folder's graphs.json.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../tools/paths.mjs';

/** Runs `tools/<tool> dir` unless dir/graphs.json exists; returns graphs.json's content. */
export function pythonGraphs(tool, dir) {
  if (!existsSync(`${dir}/graphs.json`)) {
    console.error(`[bench] writing the graphs of tools/${tool} to ${dir}`);
    const r = spawnSync(`${ROOT}.venv/bin/python`, [`${ROOT}tools/${tool}`, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`tools/${tool} ${dir} exited ${r.status}`);
  }
  return JSON.parse(readFileSync(`${dir}/graphs.json`, 'utf8'));
}
