// A worker of the app's own that hosts Weft tasks (handed to loadInWorker as { worker }).
import 'weft/worker';
