"""Built-in predictors for MLflow models, as logged (no mlflow package needed).

SklearnModel serves the `sklearn` flavor (pickle or cloudpickle, as mlflow.sklearn.save_model writes it);
PyfuncModel serves `python_function` models whose loader module is importable in the version's environment
(the model's `code/` folder is put on the path, as MLflow does). The signature comes from the MLmodel (read by
the platform at upload): one input tensor (or several, stacked as columns) in, `predictions` out.
"""

import importlib
import os
import pickle
import re
import sys

import numpy as np


def read_flavor(model_dir, flavor):
    """The `flavors.<flavor>` keys of the MLmodel (scalars only), with PyYAML when installed, else line by line."""
    with open(os.path.join(model_dir, "MLmodel"), encoding="utf-8") as file:
        text = file.read()
    try:
        import yaml  # noqa: PLC0415 - optional

        return yaml.safe_load(text)["flavors"][flavor] or {}
    except ImportError:
        pass
    keys, inside, indent = {}, False, None
    for line in text.splitlines():
        if re.match(rf"^\s+{re.escape(flavor)}:\s*$", line) and not inside:
            inside, indent = True, len(line) - len(line.lstrip())
            continue
        if inside:
            depth = len(line) - len(line.lstrip())
            if line.strip() and depth <= indent:
                break
            match = re.match(r"^\s+([\w-]+):\s*(.*?)\s*$", line)
            if match and match.group(2) and depth > indent:
                keys[match.group(1)] = match.group(2).strip("'\"")
    return keys


def features(inputs):
    """The model's input matrix: the one input, or several side by side as columns."""
    arrays = list(inputs.values())
    if len(arrays) == 1:
        return arrays[0]
    return np.column_stack([a.reshape(len(a), -1) for a in arrays])


class SklearnModel:
    def load(self, model_dir):
        flavor = read_flavor(model_dir, "sklearn")
        path = os.path.join(model_dir, flavor["pickled_model"])
        with open(path, "rb") as file:
            if flavor.get("serialization_format") == "cloudpickle":
                try:
                    import cloudpickle  # noqa: PLC0415 - only for cloudpickle models

                    self.model = cloudpickle.load(file)
                    return
                except ImportError:
                    pass  # cloudpickle's output is a pickle: plain pickle loads it unless it holds dynamic code
            self.model = pickle.load(file)

    def predict(self, inputs):
        return {"predictions": np.asarray(self.model.predict(features(inputs)))}


class PyfuncModel:
    def load(self, model_dir):
        flavor = read_flavor(model_dir, "python_function")
        code = flavor.get("code")
        if code and code != "null":
            sys.path.insert(0, os.path.join(model_dir, code))
        loader = importlib.import_module(flavor["loader_module"])
        data = flavor.get("data") or flavor.get("model_path")
        self.model = loader._load_pyfunc(os.path.join(model_dir, data) if data and data != "null" else model_dir)

    def predict(self, inputs):
        return {"predictions": np.asarray(self.model.predict(features(inputs)))}
