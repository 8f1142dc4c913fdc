# The PyTorch side of `neurostream bench model --compare pytorch`: builds the network of a neurostream model spec in
# PyTorch (CPU, float32, the given thread count) and trains it on random batches, one timed round per request.
#
# Usage: python3 pytorch_baseline.py SPEC.json BATCH THREADS WARMUP_SECONDS
# Prints "ready <torch version> <parameters>" after the warm-up, then for each line "round SECONDS" read from stdin
# trains for about that long and prints "rate <samples per wall second> <samples per CPU second>".
# Errors are one line on stderr starting with "pytorch baseline:" and exit code 2.
import json
import sys
import time

DISTINCT_BATCHES = 8


def fail(message):
    print("pytorch baseline: " + message, file=sys.stderr, flush=True)
    sys.exit(2)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    fail("python3 has no torch module; install it with: pip install torch")


def activation(name, alpha):
    table = {"identity": None, "relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(),
             "leaky_relu": nn.LeakyReLU(alpha), "softmax": None, "elu": nn.ELU()}
    if name not in table:
        fail("activation " + name + " is not translated")
    return table[name]


class OneHot(nn.Module):
    def __init__(self, vocabulary):
        super().__init__()
        self.vocabulary = vocabulary

    def forward(self, x):
        return F.one_hot(x, self.vocabulary).float()


class Recurrent(nn.Module):
    def __init__(self, kind, inputs, units, sequences):
        super().__init__()
        self.cell = (nn.LSTM if kind == "lstm" else nn.RNN)(inputs, units, batch_first=True)
        self.sequences = sequences

    def forward(self, x):
        out, _ = self.cell(x)
        return out if self.sequences else out[:, -1, :]


def build(spec):
    """The modules, the input shape of one sample, whether inputs are tokens, and the loss's output width."""
    shape = list(spec["input"]["shape"])
    vocabulary = spec["input"].get("vocabulary", 0)
    modules = []
    last_activation = "identity"
    for i, layer in enumerate(spec["layers"]):
        kind = layer["type"]
        act = layer.get("activation", "identity")
        alpha = layer.get("alpha", 0.01)
        if kind == "one_hot":
            modules.append(OneHot(vocabulary))
            shape = shape + [vocabulary]
        elif kind == "dense":
            modules.append(nn.Linear(shape[0], layer["units"]))
            shape = [layer["units"]]
        elif kind == "time_distributed":
            units = layer.get("units", vocabulary)
            modules.append(nn.Linear(shape[1], units))
            shape = [shape[0], units]
        elif kind in ("lstm", "simple_rnn"):
            sequences = layer.get("return_sequences", False)
            modules.append(Recurrent(kind, shape[1], layer["units"], sequences))
            shape = [shape[0], layer["units"]] if sequences else [layer["units"]]
        elif kind == "conv2d":
            k, stride = layer["kernel"], layer.get("stride", 1)
            padding = layer.get("padding", "valid")
            pad = (k - 1) // 2 if padding == "same" else (0 if padding == "valid" else int(padding))
            modules.append(nn.Conv2d(shape[0], layer["filters"], k, stride=stride, padding=pad))
            h = (shape[1] + 2 * pad - k) // stride + 1
            w = (shape[2] + 2 * pad - k) // stride + 1
            shape = [layer["filters"], h, w]
        elif kind == "max_pool2d":
            window = layer["window"]
            stride = layer.get("stride", window)
            modules.append(nn.MaxPool2d(window, stride))
            shape = [shape[0], (shape[1] - window) // stride + 1, (shape[2] - window) // stride + 1]
        elif kind == "flatten":
            modules.append(nn.Flatten())
            n = 1
            for d in shape:
                n *= d
            shape = [n]
        elif kind == "dropout":
            modules.append(nn.Dropout(layer["rate"]))
        else:
            fail("layer " + str(i) + " of type " + kind + " is not translated")
        if kind in ("dense", "time_distributed", "conv2d"):
            module = activation(act, alpha)
            if module is not None:
                modules.append(module)
            last_activation = act
    return nn.Sequential(*modules), list(spec["input"]["shape"]), vocabulary, shape, last_activation


def main():
    if len(sys.argv) != 5:
        fail("usage: pytorch_baseline.py SPEC.json BATCH THREADS WARMUP_SECONDS")
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    batch, threads, warmup = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(spec.get("seed", 0))
    net, input_shape, vocabulary, out_shape, last_activation = build(spec)
    outputs = out_shape[-1]
    loss_name = spec["loss"]
    if loss_name == "cross_entropy":
        if last_activation != "softmax":
            fail("cross_entropy needs a softmax output layer")
        loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy on the logits, as the fused gradient ours uses
    elif loss_name == "mean_squared_error":
        loss_fn = nn.MSELoss()
    elif loss_name == "half_squared_error":
        loss_fn = lambda out, y: 0.5 * ((out - y) ** 2).sum(dim=1).mean()
    elif loss_name == "binary_cross_entropy":
        loss_fn = nn.BCEWithLogitsLoss() if last_activation == "sigmoid" else nn.BCELoss()
    else:
        fail("loss " + loss_name + " is not translated")
    if loss_name == "binary_cross_entropy" and last_activation == "sigmoid" and isinstance(net[-1], nn.Sigmoid):
        net = net[:-1]
    opt = spec["optimizer"]
    lr = opt.get("learning_rate", 0.001 if opt["type"] == "adam" else 0.01)
    if opt["type"] == "adam":
        optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    else:
        optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=opt.get("momentum", 0.0),
                                    weight_decay=opt.get("weight_decay", 0.0))
    rows = batch * (out_shape[0] if len(out_shape) == 2 else 1)
    data = []
    for _ in range(DISTINCT_BATCHES):
        if vocabulary > 0:
            x = torch.randint(0, vocabulary, [batch] + input_shape)
        else:
            x = torch.rand([batch] + input_shape)
        if loss_name == "cross_entropy":
            y = torch.randint(0, outputs, (rows,))
        else:
            y = torch.randint(0, 2, (rows, outputs)).float()
        data.append((x, y))
    net.train()

    def step(i):
        x, y = data[i % DISTINCT_BATCHES]
        optimizer.zero_grad(set_to_none=False)
        out = net(x)
        loss = loss_fn(out.reshape(rows, outputs), y)
        loss.backward()
        optimizer.step()

    def run_for(seconds):
        start, cpu_start = time.perf_counter(), time.process_time()
        steps = 0
        while True:
            step(steps)
            steps += 1
            now = time.perf_counter()
            if now - start >= seconds:
                break
        cpu = max(time.process_time() - cpu_start, 1e-9)
        return steps * batch / (now - start), steps * batch / cpu

    run_for(warmup)
    parameters = sum(p.numel() for p in net.parameters())
    print("ready " + torch.__version__ + " " + str(parameters), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] != "round" or len(words) != 2:
            fail("unknown request: " + line.strip())
        wall, cpu = run_for(float(words[1]))
        print("rate %.3f %.3f" % (wall, cpu), flush=True)


if __name__ == "__main__":
    main()
