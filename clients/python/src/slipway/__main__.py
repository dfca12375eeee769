"""`python -m slipway check ./my-model`: the local check of a Python model before upload (see check.py)."""

import sys

from .check import main

sys.exit(main(sys.argv[1:]))
