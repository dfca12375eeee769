"""A client of Slipway's control-plane REST API (/api/v1) and of a deployment's endpoint on the gateway.

Standard library only. With numpy importable, ``predict`` takes and returns numpy arrays; without it, lists.
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

try:  # numpy is optional: arrays in and out when it is there.
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the machine
    _np = None


class SlipwayError(Exception):
    """An answer of the API's ``{"error": {"code", "message"}}`` kind (status 0: no answer at all)."""

    def __init__(self, status, code, message):
        super().__init__("%s (%s, HTTP %s)" % (message, code, status) if status else message)
        self.status = status
        self.code = code
        self.message = message


def _error_from(status, body):
    try:
        error = json.loads(body.decode("utf-8"))["error"]
        return SlipwayError(status, error["code"], error["message"])
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace")[:200]
        return SlipwayError(status, "http_error", "the server answered %s%s" % (status, ": " + text if text else ""))


def to_jsonable(value):
    """numpy arrays (and scalars) as nested lists; anything else as it is."""
    if _np is not None and isinstance(value, (_np.ndarray, _np.generic)):
        return value.tolist()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def from_json(outputs, use_numpy=None):
    """A prediction's outputs as numpy arrays when numpy is importable (or ``use_numpy``), lists otherwise."""
    if use_numpy is None:
        use_numpy = _np is not None
    if not use_numpy:
        return outputs
    if _np is None:
        raise SlipwayError(0, "numpy_missing", "numpy is not installed: pip install numpy, or pass numpy=False")
    return {name: _np.asarray(value) for name, value in outputs.items()}


class Client:
    """``Client(url, key)``: the console's address and an API key (default: $SLIPWAY_URL and $SLIPWAY_KEY).

    ``gateway_url`` (default $SLIPWAY_GATEWAY_URL) is where predictions go; without it, the endpoint the
    deployment reports.
    """

    def __init__(self, url=None, key=None, gateway_url=None, timeout=60.0):
        self.url = (url or os.environ.get("SLIPWAY_URL") or "").rstrip("/")
        self.key = key or os.environ.get("SLIPWAY_KEY")
        self.gateway_url = (gateway_url or os.environ.get("SLIPWAY_GATEWAY_URL") or "").rstrip("/") or None
        self.timeout = timeout
        if not self.url or not self.key:
            raise ValueError("give Client(url, key), or set SLIPWAY_URL and SLIPWAY_KEY")

    # -- HTTP ---------------------------------------------------------------------------------------

    def _send(self, method, url, body=None, headers=None):
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Authorization", "Bearer " + self.key)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raise _error_from(error.code, error.read()) from None
        except urllib.error.URLError as error:
            raise SlipwayError(0, "network_error", "could not reach %s: %s" % (url, error.reason)) from None
        return json.loads(text.decode("utf-8")) if text else None

    def request(self, method, path, body=None):
        """Any API call (path under /api/v1): the parsed JSON answer, or a SlipwayError."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = None if body is None else {"Content-Type": "application/json"}
        return self._send(method, self.url + "/api/v1" + path, data, headers)

    # -- models and versions ------------------------------------------------------------------------

    def models(self):
        return self.request("GET", "/models")["models"]

    def model(self, name):
        return self.request("GET", "/models/" + _q(name))["model"]

    def create_model(self, name, description=None):
        body = {"name": name}
        if description is not None:
            body["description"] = description
        return self.request("POST", "/models", body)["model"]

    def version(self, model, label):
        return self.request("GET", "/models/%s/versions/%d" % (_q(model), label))["version"]

    def upload(self, model, path, wait=True, timeout=300.0):
        """Uploads an artifact (.onnx, .onnx.gz, .tar.gz, .zip) as a version of ``model``.

        Identical bytes give the existing version. With ``wait``, returns once the worker has inspected it;
        a version that failed inspection raises SlipwayError with the reason.
        """
        filename = os.path.basename(path)
        url = "%s/api/v1/models/%s/versions?filename=%s" % (self.url, _q(model), _q(filename))
        with open(path, "rb") as artifact:  # streamed, not read into memory
            headers = {"Content-Type": "application/octet-stream", "Content-Length": str(os.fstat(artifact.fileno()).st_size)}
            version = self._send("POST", url, artifact, headers)["version"]
        if not wait:
            return version
        deadline = time.monotonic() + timeout
        while version["status"] not in ("ready", "failed"):
            if time.monotonic() > deadline:
                raise SlipwayError(0, "timeout", "v%d of %s was not inspected within %ss" % (version["label"], model, timeout))
            time.sleep(0.5)
            version = self.version(model, version["label"])
        if version["status"] == "failed":
            raise SlipwayError(0, "version_failed", "v%d of %s failed inspection: %s" % (version["label"], model, version["statusReason"]))
        return version

    # -- deployments --------------------------------------------------------------------------------

    def deployment(self, name):
        return self.request("GET", "/deployments/" + _q(name))["deployment"]

    def deployments(self):
        return self.request("GET", "/deployments")["deployments"]

    def deploy(self, name, model, version, machine_type="cpu-small", replicas=1, wait=True, timeout=300.0):
        """Deploys ``version`` (a label like 3, or "sha256:<hex>") of ``model`` as ``name``.

        A running deployment of that name gets a new revision (rolled out blue-green); otherwise it is
        created. With ``wait``, returns the deployment once the revision is live (see ``wait_ready``).
        """
        ref = {"versionDigest": version} if isinstance(version, str) else {"versionLabel": int(version)}
        try:
            current = self.deployment(name)
        except SlipwayError as error:
            if error.status != 404:
                raise
            current = None
        if current is not None and current["status"] not in ("stopped", "failed"):
            change = dict(ref, machineType=machine_type, replicas=replicas)
            revision = self.request("PATCH", "/deployments/" + _q(name), change)["revision"]
        else:
            body = dict(ref, name=name, modelName=model, machineType=machine_type, replicas=replicas)
            revision = self.request("POST", "/deployments", body)["deployment"]["revision"]
        return self.wait_ready(name, revision, timeout) if wait else self.deployment(name)

    def wait_ready(self, name, revision=None, timeout=300.0, poll=0.5):
        """Waits until ``revision`` (default: the current target) is live: ready and the stable revision.

        Raises SlipwayError if the deployment fails, is stopped, or the revision is replaced (an automatic
        rollback is a later revision), or after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            d = self.deployment(name)
            target = d["revision"] if revision is None else revision
            if d["revision"] > target:
                raise SlipwayError(0, "rolled_back", "revision %d of %s was replaced by revision %d: %s" % (target, name, d["revision"], d["statusReason"] or "see its events"))
            if d["status"] == "failed":
                raise SlipwayError(0, "deployment_failed", "%s failed: %s" % (name, d["statusReason"]))
            if d["status"] in ("stopping", "stopped"):
                raise SlipwayError(0, "deployment_stopped", "%s is %s" % (name, d["status"]))
            if d["status"] == "ready" and d["stableRevision"] == target:
                return d
            if time.monotonic() > deadline:
                raise SlipwayError(0, "timeout", "%s did not go live within %ss (status %s)" % (name, timeout, d["status"]))
            time.sleep(poll)

    # -- predictions --------------------------------------------------------------------------------

    def predict(self, name, inputs, numpy=None):
        """Calls the deployment's /predict endpoint through the gateway.

        ``inputs``: a dict of input name -> array (numpy array or nested lists), or one array for a model
        with a single input. Returns a dict of output name -> numpy array (lists without numpy, or numpy=False).
        """
        if not isinstance(inputs, dict):
            signature = self.deployment(name)["variants"][0]["version"]["signature"]
            inputs = {signature["inputs"][0]["name"]: inputs}
        if self.gateway_url:
            url = "%s/models/%s/predict" % (self.gateway_url, _q(name))
        else:
            url = self.deployment(name)["endpoints"]["predict"]
        body = json.dumps({"inputs": to_jsonable(inputs)}).encode("utf-8")
        answer = self._send("POST", url, body, {"Content-Type": "application/json"})
        return from_json(answer["outputs"], numpy)


def _q(segment):
    return urllib.parse.quote(str(segment), safe="")
