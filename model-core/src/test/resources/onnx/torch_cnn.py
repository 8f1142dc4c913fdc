# Makes torch-cnn.onnx and torch-cnn.expected.json, the foreign-framework fixture of OnnxImportTest.
#
# A small PyTorch CNN (conv 3x3 pad 1 -> ReLU -> max pool 2 -> flatten -> linear 48->10 -> ReLU -> linear 10->4 -> softmax)
# with seeded random weights, exported with torch.onnx.export (TorchScript exporter, opset 17), and its outputs for
# 5 seeded inputs computed by PyTorch itself. Run from this folder:
#   python3 -m venv /tmp/torch-venv && /tmp/torch-venv/bin/pip install torch onnx onnxruntime numpy
#   /tmp/torch-venv/bin/python torch_cnn.py
import json

import torch
from torch import nn

torch.manual_seed(16)
model = nn.Sequential(
    nn.Conv2d(1, 3, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(3 * 4 * 4, 10),
    nn.ReLU(),
    nn.Linear(10, 4),
    nn.Softmax(dim=1),
).eval()
inputs = torch.rand(5, 1, 8, 8)
with torch.no_grad():
    outputs = model(inputs)

torch.onnx.export(model, (inputs,), "torch-cnn.onnx", input_names=["x"], output_names=["probabilities"],
                  dynamic_axes={"x": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=17, dynamo=False)
with open("torch-cnn.expected.json", "w") as f:
    json.dump({"producer": "torch " + torch.__version__, "inputs": inputs.tolist(), "outputs": outputs.tolist()}, f)

try:  # a cross-check when ONNX Runtime for Python is installed
    import numpy as np
    import onnxruntime as ort
    got = ort.InferenceSession("torch-cnn.onnx").run(None, {"x": inputs.numpy()})[0]
    print("max |onnxruntime - torch| =", float(np.abs(got - outputs.numpy()).max()))
except ImportError:
    pass
