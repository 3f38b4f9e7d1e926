"""pytest configuration for the Python tests.

Hypothesis: no per-example deadline. The test command builds the extension in the debug profile
and runs on small, shared machines, where a slow example is not a failure; the number of examples
stays at each test's setting.
"""

from hypothesis import settings

settings.register_profile("ragstatus", deadline=None)
settings.load_profile("ragstatus")
