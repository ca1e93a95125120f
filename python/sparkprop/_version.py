# Replaced by `python/build.sh wheel` with the Maven project's version; this value marks a source checkout.
__version__ = "0+source"
