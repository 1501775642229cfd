// The package's Node entry (package.json "exports", condition "node"): the same API as weft.js,
// with local file access installed up front, so no browser-only code path is ever taken for a
// path or a file: URL.

import * as nodeHost from './node-host.js';
import { setHost } from './host.js';

setHost(nodeHost);

export * from './weft.js';
