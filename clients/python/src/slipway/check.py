"""Checks a Python model folder before upload, the way Slipway's inspection will: load the predictor named in
slipway.yaml, run it on the declared example (or zeros shaped by the signature), and hold its outputs to the
declared signature (every output present, cast to its datatype, the declared rank and fixed dimensions, one row per
input row). Needs numpy (the predictor's own dependency) and PyYAML to read slipway.yaml.

    python -m slipway check ./my-model
"""

import asyncio
import importlib
import inspect
import os
import sys

DATATYPES = {
    "BOOL": "bool", "INT8": "int8", "INT16": "int16", "INT32": "int32", "INT64": "int64", "UINT8": "uint8",
    "UINT16": "uint16", "UINT32": "uint32", "UINT64": "uint64", "FP16": "float16", "FP32": "float32",
    "FP64": "float64", "BYTES": "object",
}


class CheckFailed(Exception):
    """The model would fail Slipway's inspection; the message says why."""


def _numpy_dtype(datatype):
    name = DATATYPES.get(str(datatype).upper(), str(datatype))
    return "object" if name == "string" else name


def _read_manifest(model_dir):
    try:
        import yaml  # noqa: PLC0415 - optional: only the check needs it
    except ImportError as error:
        raise CheckFailed("reading slipway.yaml needs PyYAML (pip install pyyaml)") from error
    for name in ("slipway.yaml", "slipway.yml"):
        path = os.path.join(model_dir, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                return yaml.safe_load(file) or {}
    raise CheckFailed(f"{model_dir} has no slipway.yaml")


def _shape(dims):
    return [None if d is None or d == -1 else d for d in dims]


def check(model_dir):
    """Loads and runs the predictor of the model in `model_dir`; returns its outputs (dict of numpy arrays)."""
    import numpy as np  # noqa: PLC0415 - the predictor needs it anyway

    manifest = _read_manifest(model_dir)
    if manifest.get("runtime") != "python":
        raise CheckFailed("slipway.yaml does not say 'runtime: python'")
    if not manifest.get("predictor") or not manifest.get("signature"):
        raise CheckFailed("slipway.yaml needs 'predictor' (module:Class) and 'signature' (inputs and outputs)")
    signature = manifest["signature"]
    example = manifest.get("example")
    inputs = {}
    for spec in signature["inputs"]:
        dtype = _numpy_dtype(spec["datatype"])
        if example is not None:
            if spec["name"] not in example:
                raise CheckFailed(f"slipway.yaml's example has no input '{spec['name']}'")
            inputs[spec["name"]] = np.asarray(example[spec["name"]], dtype=dtype)
        else:
            shape = [1 if d is None else d for d in _shape(spec["shape"])]
            inputs[spec["name"]] = np.zeros(shape, dtype=dtype) if dtype != "object" else np.full(shape, "", dtype=object)
    module_name, class_name = manifest["predictor"].split(":")
    sys.path.insert(0, os.path.abspath(model_dir))
    loop = asyncio.new_event_loop()
    predictor = getattr(importlib.import_module(module_name), class_name)()
    if hasattr(predictor, "load"):
        result = predictor.load(os.path.abspath(model_dir))
        if inspect.isawaitable(result):
            loop.run_until_complete(result)
    outputs = predictor.predict(inputs)
    if inspect.isawaitable(outputs):
        outputs = loop.run_until_complete(outputs)
    if not isinstance(outputs, dict):
        raise CheckFailed(f"predict returned {type(outputs).__name__}, expected a dict of output name -> numpy array")
    rows = next(iter(inputs.values())).shape[0] if inputs else None
    checked = {}
    for spec in signature["outputs"]:
        name, declared = spec["name"], _shape(spec["shape"])
        if name not in outputs:
            raise CheckFailed(f"predict returned no output '{name}' (returned: {', '.join(map(str, outputs))})")
        array = np.asarray(outputs[name]).astype(_numpy_dtype(spec["datatype"]), copy=False)
        shape = list(array.shape)
        fits = len(shape) == len(declared) and all(
            d == s or (d is None and (i > 0 or s == rows)) for i, (d, s) in enumerate(zip(declared, shape))
        )
        if not fits:
            raise CheckFailed(f"output '{name}' has shape {shape} for {rows} input rows, the signature declares {declared}")
        checked[name] = array
    return checked


def main(argv):
    if len(argv) != 2 or argv[0] != "check":
        print("usage: python -m slipway check ./my-model", file=sys.stderr)
        return 2
    try:
        outputs = check(argv[1])
    except CheckFailed as error:
        print(f"check failed: {error}", file=sys.stderr)
        return 1
    for name, array in outputs.items():
        print(f"{name}: {array.dtype} {list(array.shape)} {array.tolist()}")
    print("ok: the predictor loads, runs and answers its declared signature")
    return 0
