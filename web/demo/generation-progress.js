// A generation's progress bar: frames done of the request's total, which generation window is
// running (requests longer than one window run as several), and the time left at the rate so far.
// Fed by the library's onProgress (after every decoder step) and, where a library does not report
// progress, by the decoder steps that onAudio's chunks carry. Writes the DOM at most once per
// animation frame, however often it is fed.

import { oncePerFrame } from './next-frame.js';

export class GenerationProgress {
  /** `bar`: a <progress> element; `label`: where the text goes. */
  constructor(bar, label) {
    this.bar = bar;
    this.label = label;
    this.schedule = oncePerFrame(() => this.render());
    this.start();
  }

  /** A new run: empty bar, the clock starts now. */
  start() {
    this.started = performance.now();
    this.reported = false;
    this.state = null;
    this.schedule();
  }

  /** The library's onProgress({ framesDone, frames, window, windows, elapsedMs, … }). */
  onProgress = ({ framesDone, frames, window, windows, elapsedMs }) => {
    this.reported = true;
    const where = windows > 1 ? `window ${window + 1} of ${windows}` : null;
    this.update({ done: framesDone, total: frames, unit: 'frames', where, elapsedMs });
  };

  /** onAudio's chunk ({ stepsDone, steps, … }): used until the library reports progress itself. */
  onAudio = ({ stepsDone, steps }) => {
    if (this.reported || !(steps > 0)) return;
    this.update({ done: stepsDone, total: steps, unit: 'steps', where: null, elapsedMs: performance.now() - this.started });
  };

  update(state) {
    this.state = state;
    this.schedule();
  }

  render() {
    const { bar, label, state } = this;
    if (!state) {
      bar.removeAttribute('value'); // indeterminate until the first step
      label.textContent = '';
      return;
    }
    const { done, total, unit, where, elapsedMs } = state;
    bar.max = total;
    bar.value = done;
    const parts = [`${done} / ${total} ${unit}`];
    if (where) parts.push(where);
    if (done > 0 && done < total) parts.push(`about ${formatSeconds((elapsedMs * (total - done)) / done / 1000)} left`);
    label.textContent = parts.join(' · ');
  }
}

function formatSeconds(s) {
  if (s < 60) return `${Math.ceil(s)} s`;
  const whole = Math.ceil(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
