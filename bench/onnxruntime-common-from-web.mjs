// onnxruntime-common for a page, taken from the onnxruntime-web bundle the import map names
// (bench/musicgen-page.html): the bundle carries its own copy of the common API, and a library
// importing "onnxruntime-common" must get that copy's Tensor and env, not a second one.
export * from 'onnxruntime-web';
