"""A pytest plugin loaded before Django's settings (`-p config.pytest_mode` in pyproject.toml):
the test suite asks for test mode explicitly (WBS_TESTING), instead of the settings guessing it
from whether pytest happens to be imported."""

import os

os.environ.setdefault("WBS_TESTING", "True")
