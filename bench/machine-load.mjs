// The machine's 1-minute load average, printed beside benchmark figures: on a shared machine it
// says how much a line's numbers can be trusted.
import os from 'node:os';

export const loadavg1m = () => +os.loadavg()[0].toFixed(2);
