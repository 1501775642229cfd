// `npm run parity -- musicgen-export`: runs the Python MusicGen export parity
// (tests/fixtures_py/weft_fixtures/musicgen_parity.py) and passes its JSON lines through. A line
// fails when a component band is not PASS or a pipeline's matched != steps.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function musicgenExportParity(emit) {
  const r = spawnSync(join(ROOT, '.venv/bin/python'), ['-m', 'weft_fixtures.musicgen_parity'], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26,
    env: { ...process.env, PYTHONPATH: [join(ROOT, 'models'), join(ROOT, 'tests/fixtures_py')].join(':'), OMP_NUM_THREADS: '1' },
  });
  const lines = (r.stdout || '').split('\n').filter((l) => l.startsWith('{'));
  for (const l of lines) {
    const line = JSON.parse(l);
    const ok = 'component' in line ? line.band === 'PASS' : line.matched === line.steps;
    emit(line, ok);
  }
  if (r.status !== 0 || !lines.length) {
    emit({ pipeline: 'musicgen-export', error: `python exited ${r.status}`,
      stderr: (r.stderr || '').split('\n').filter((l) => l && !l.includes('[transformers]')).slice(-5) }, false);
  }
}
