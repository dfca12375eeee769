"""Slipway's Python client: upload ONNX models, deploy them, call their endpoints (standard library only)."""

from .client import Client, SlipwayError

__all__ = ["Client", "SlipwayError"]
__version__ = "0.1.0"
