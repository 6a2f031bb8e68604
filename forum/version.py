"""The version of the installed Agora, as its package metadata says."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("agora-forum")
except PackageNotFoundError:  # run from a checkout that was never installed
    VERSION = "0+unknown"
