"""The classifier family: image classifiers (torchvision archs or a user's module:function):
build, export (fp32 / int8 / fp16), manifest, check (vs PyTorch + torchvision), quantize,
images (the generated test and calibration images), cli."""
