"""The performance benchmark of issue #15 (scripts/bench.sh); not part of the test suite."""
