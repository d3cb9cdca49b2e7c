"""Worldview pipeline: policy analyses in, validated theme-tagged JSON records out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("worldview")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"
