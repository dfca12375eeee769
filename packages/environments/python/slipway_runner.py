"""Runs a Python model's predictor for one Slipway replica.

The replica (apps/runtime/src/runners/python/python-runner.ts) starts this script and talks to it over fd 3 (requests
in) and fd 4 (answers out) with binary tensors. The wire format is defined once, in
apps/runtime/src/runners/python/wire.ts: this file mirrors it. Standard library and numpy only.

stdout and stderr belong to the user's code and become the replica's log lines; a failing predict's traceback is
printed on stderr, and only the exception's type and message travel back to the replica.
"""

import asyncio
import importlib
import inspect
import json
import os
import struct
import sys
import traceback

import numpy as np

REQUESTS_FD = 3
ANSWERS_FD = 4
ALIGN = 8

# Slipway dtype name -> numpy dtype, little-endian (wire.ts: bool is one byte, float16 its raw half bits).
DTYPES = {
    "bool": np.dtype("?"),
    "int8": np.dtype("i1"),
    "int16": np.dtype("<i2"),
    "int32": np.dtype("<i4"),
    "int64": np.dtype("<i8"),
    "uint8": np.dtype("u1"),
    "uint16": np.dtype("<u2"),
    "uint32": np.dtype("<u4"),
    "uint64": np.dtype("<u8"),
    "float16": np.dtype("<f2"),
    "float32": np.dtype("<f4"),
    "float64": np.dtype("<f8"),
}


def read_frame(stream):
    """One frame (header dict, body bytearray), or None at the end of the stream."""
    prefix = stream.read(8)
    if len(prefix) < 8:
        return None
    header_length, body_length = struct.unpack("<II", prefix)
    header = json.loads(stream.read(header_length).decode("utf-8"))
    body = bytearray(body_length)
    if body_length and stream.readinto(body) != body_length:
        return None
    return header, body


def write_frame(stream, header, arrays=()):
    """Writes a frame; `arrays` are (name, dtype name, numpy array) whose data goes in the body."""
    chunks, tensors, offset = [], [], 0
    for name, dtype, array in arrays:
        data = encode_strings(array) if dtype == "string" else np.ascontiguousarray(array, DTYPES[dtype]).tobytes()
        tensors.append({"name": name, "dtype": dtype, "shape": list(array.shape), "offset": offset, "length": len(data)})
        pad = -len(data) % ALIGN
        chunks.append(data + b"\0" * pad)
        offset += len(data) + pad
    if tensors:
        header = dict(header, tensors=tensors)
    encoded = json.dumps(header).encode("utf-8")
    stream.write(struct.pack("<II", len(encoded), offset))
    stream.write(encoded)
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()


def encode_strings(array):
    parts = []
    for value in np.asarray(array, dtype=object).ravel():
        data = (value.decode("utf-8") if isinstance(value, bytes) else str(value)).encode("utf-8")
        parts.append(struct.pack("<I", len(data)) + data)
    return b"".join(parts)


def decode_tensor(tensor, body):
    data = memoryview(body)[tensor["offset"] : tensor["offset"] + tensor["length"]]
    shape = tensor["shape"]
    if tensor["dtype"] == "string":
        values, at = [], 0
        while at < len(data):
            (length,) = struct.unpack_from("<I", data, at)
            values.append(bytes(data[at + 4 : at + 4 + length]).decode("utf-8"))
            at += 4 + length
        return np.array(values, dtype=object).reshape(shape)
    return np.frombuffer(data, dtype=DTYPES[tensor["dtype"]]).reshape(shape)


def load_predictor(model_dir, spec, loop):
    module_name, class_name = spec.split(":")
    sys.path.insert(0, model_dir)
    predictor = getattr(importlib.import_module(module_name), class_name)()
    load = getattr(predictor, "load", None)
    if load is not None:
        result = load(model_dir)
        if inspect.isawaitable(result):
            loop.run_until_complete(result)
    return predictor


class OutputMismatch(Exception):
    """The predictor's outputs do not match the declared signature."""


def predict(predictor, loop, inputs, outputs):
    result = predictor.predict(inputs)
    if inspect.isawaitable(result):
        result = loop.run_until_complete(result)
    if not isinstance(result, dict):
        raise OutputMismatch(f"predict returned {type(result).__name__}, expected a dict of output name -> numpy array")
    arrays = []
    for output in outputs:
        if output["name"] not in result:
            raise OutputMismatch(f"predict returned no output '{output['name']}' (returned: {', '.join(map(str, result))})")
        value = result[output["name"]]
        array = np.asarray(value, dtype=object) if output["dtype"] == "string" else np.asarray(value).astype(DTYPES[output["dtype"]], copy=False)
        arrays.append((output["name"], output["dtype"], array))
    return arrays


def serve(requests, answers):
    first = read_frame(requests)
    if first is None:
        return
    load = first[0]
    try:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        predictor = load_predictor(load["model_dir"], load["predictor"], loop)
    except BaseException as error:  # noqa: BLE001 - any failure to load is the model's, reported as such
        traceback.print_exc()
        write_frame(answers, {"type": "failed", "error_type": type(error).__name__, "message": str(error)})
        return
    write_frame(answers, {"type": "ready", "python": sys.version.split()[0]})
    while True:
        frame = read_frame(requests)
        if frame is None:
            return
        header, body = frame
        try:
            inputs = {t["name"]: decode_tensor(t, body) for t in header.get("tensors", [])}
            arrays = predict(predictor, loop, inputs, load["outputs"])
        except Exception as error:  # noqa: BLE001 - the model's failure, answered as model_error
            traceback.print_exc()
            sys.stderr.flush()
            write_frame(answers, {"type": "error", "id": header["id"], "error_type": type(error).__name__, "message": str(error)})
            continue
        write_frame(answers, {"type": "result", "id": header["id"]}, arrays)


TRACEBACK_FRAMES = 3


def last_frames(error):
    """The exception with the last frames of its traceback (where the predictor failed), as Python prints them."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__, limit=-TRACEBACK_FRAMES)).rstrip()


def check_outputs(arrays, specs, rows):
    """The outputs held to the declared shapes: rank, fixed dimensions, one row per input row on a dynamic first one."""
    for (name, _dtype, array), spec in zip(arrays, specs):
        shape, declared = list(array.shape), spec["shape"]
        fits = len(shape) == len(declared) and all(
            d == s or (d is None and (i > 0 or rows is None or s == rows)) for i, (d, s) in enumerate(zip(declared, shape))
        )
        if not fits:
            given = "" if rows is None else f" for {rows} input rows"
            raise OutputMismatch(f"output '{name}' has shape {shape}{given}, the signature declares {declared}")


def check(request, answers):
    """Loads the predictor and runs it once on the given inputs (a version's inspection, the client's local check)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    stage = "load"
    try:
        predictor = load_predictor(request["model_dir"], request["predictor"], loop)
        stage = "predict"
        inputs = {name: np.asarray(t["data"], dtype=object if t["dtype"] == "string" else DTYPES[t["dtype"]]).reshape(t["shape"]) for name, t in request["inputs"].items()}
        arrays = predict(predictor, loop, inputs, request["outputs"])
        stage = "outputs"
        rows = next(iter(inputs.values())).shape[0] if inputs else None
        check_outputs(arrays, request["outputs"], rows)
    except BaseException as error:  # noqa: BLE001 - the model's failure, reported with where it happened
        traceback.print_exc()
        answer = {"ok": False, "stage": stage, "error_type": type(error).__name__, "message": str(error), "traceback": last_frames(error)}
    else:
        outputs = {name: {"shape": list(a.shape), "data": a.ravel().tolist()} for name, _dtype, a in arrays}
        answer = {"ok": True, "python": sys.version.split()[0], "outputs": outputs}
    answers.write(json.dumps(answer, default=str).encode("utf-8"))
    answers.flush()


def main():
    if sys.argv[1:] == ["--check"]:
        # The request as JSON on fd 3, the answer as JSON on fd 4: stdout and stderr stay the predictor's.
        with os.fdopen(REQUESTS_FD, "rb") as requests, os.fdopen(ANSWERS_FD, "wb") as answers:
            check(json.loads(requests.read().decode("utf-8")), answers)
        return
    requests = os.fdopen(REQUESTS_FD, "rb")
    answers = os.fdopen(ANSWERS_FD, "wb")
    serve(requests, answers)


if __name__ == "__main__":
    main()
