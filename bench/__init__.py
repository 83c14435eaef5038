"""Benchmarks: `make bench` (python -m bench). Speed and memory targets live here, not in unit tests."""
