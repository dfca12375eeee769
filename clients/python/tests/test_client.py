"""Tests of the Python client. The platform tests run against a running Slipway, as `npm test` starts it
(e2e/python-client.test.ts sets SLIPWAY_URL, SLIPWAY_KEY, SLIPWAY_GATEWAY_URL and SLIPWAY_TEST_MODEL_PATH):

    PYTHONPATH=clients/python/src python3 -m unittest discover -s clients/python/tests -t clients/python
"""

import os
import unittest
import uuid

from slipway import Client, SlipwayError
from slipway.client import from_json, to_jsonable

try:
    import numpy
except ImportError:  # the client works without it; these tests then check lists only
    numpy = None

SETOSA = [5.1, 3.5, 1.4, 0.2]
VIRGINICA = [6.9, 3.1, 5.4, 2.1]


class ConversionTest(unittest.TestCase):
    def test_lists_pass_through_when_numpy_is_not_wanted(self):
        outputs = {"label": [0, 2], "probabilities": [[0.9, 0.1, 0.0], [0.0, 0.2, 0.8]]}
        self.assertEqual(from_json(outputs, use_numpy=False), outputs)
        self.assertEqual(to_jsonable({"features": [SETOSA, VIRGINICA]}), {"features": [SETOSA, VIRGINICA]})

    def test_numpy_arrays_in_and_out_when_numpy_is_importable_lists_otherwise(self):
        arrays = from_json({"probabilities": [[0.9, 0.1, 0.0]]})
        if numpy is None:
            self.assertEqual(arrays, {"probabilities": [[0.9, 0.1, 0.0]]})
            return
        self.assertEqual(arrays["probabilities"].shape, (1, 3))
        batch = numpy.array([SETOSA, VIRGINICA], dtype=numpy.float32)
        self.assertEqual(to_jsonable({"features": batch})["features"][1], [float(numpy.float32(x)) for x in VIRGINICA])


class PlatformTest(unittest.TestCase):
    """Upload, deploy, wait_ready and predict against the platform, with an API key."""

    @classmethod
    def setUpClass(cls):
        missing = [n for n in ("SLIPWAY_URL", "SLIPWAY_KEY", "SLIPWAY_GATEWAY_URL", "SLIPWAY_TEST_MODEL_PATH") if not os.environ.get(n)]
        if missing:
            raise RuntimeError("run these through `npm test` (e2e/python-client.test.ts); missing " + ", ".join(missing))
        cls.client = Client()  # SLIPWAY_URL, SLIPWAY_KEY, SLIPWAY_GATEWAY_URL
        suffix = uuid.uuid4().hex[:8]
        cls.model = "iris-py-" + suffix
        cls.name = "py-" + suffix
        cls.client.create_model(cls.model, description="uploaded by the Python client's tests")
        cls.version = cls.client.upload(cls.model, os.environ["SLIPWAY_TEST_MODEL_PATH"])
        cls.deployment = cls.client.deploy(cls.name, cls.model, "sha256:" + cls.version["digest"], machine_type="cpu-small")

    def test_upload_gives_a_ready_version_and_identical_bytes_the_same_one(self):
        self.assertEqual(self.version["label"], 1)
        self.assertEqual(self.version["status"], "ready")
        again = self.client.upload(self.model, os.environ["SLIPWAY_TEST_MODEL_PATH"])
        self.assertEqual((again["label"], again["digest"]), (1, self.version["digest"]))

    def test_deploy_waits_until_the_revision_is_live(self):
        self.assertEqual(self.deployment["status"], "ready")
        self.assertEqual(self.deployment["stableRevision"], self.deployment["revision"])
        self.assertEqual(self.client.wait_ready(self.name)["stableRevision"], 1)

    def test_predict_with_lists(self):
        outputs = self.client.predict(self.name, {"features": [SETOSA, VIRGINICA]}, numpy=False)
        self.assertEqual(outputs["label"], [0, 2])
        self.assertEqual(len(outputs["probabilities"]), 2)

    def test_predict_answers_numpy_arrays_when_numpy_is_importable_and_takes_a_single_unnamed_input(self):
        batch = [SETOSA] if numpy is None else numpy.array([SETOSA], dtype=numpy.float32)
        outputs = self.client.predict(self.name, batch)
        if numpy is None:
            self.assertEqual(outputs["label"], [0])
            return
        self.assertIsInstance(outputs["label"], numpy.ndarray)
        self.assertEqual(outputs["label"].tolist(), [0])
        self.assertEqual(outputs["probabilities"].shape, (1, 3))

    def test_errors_carry_the_apis_code_and_status(self):
        with self.assertRaises(SlipwayError) as missing:
            self.client.deployment("no-such-deployment-" + self.name)
        self.assertEqual((missing.exception.status, missing.exception.code), (404, "not_found"))
        with self.assertRaises(SlipwayError) as bad:
            self.client.predict(self.name, {"features": [[1.0, 2.0]]}, numpy=False)
        self.assertEqual(bad.exception.status, 400)
        self.assertTrue(bad.exception.message)


if __name__ == "__main__":
    unittest.main()
