"""Benchmark, load and data-set scripts; their results go to BENCHMARKS.md."""
