// 'weft/worker' is imported for its effect: the module becomes a worker host (see loadInWorker's `worker` option).
export {};
