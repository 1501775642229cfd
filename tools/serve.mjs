// `npm start`: serves the demo page on 127.0.0.1 and prints its URL.
import { startServer } from './static-server.mjs';

const port = Number(process.env.PORT ?? 8080);
const { url } = await startServer({ port });
console.log(`Weft demo: ${url}/web/demo/  (MusicGen; also text.html, classifier.html and speech.html there; Ctrl+C to stop)`);
