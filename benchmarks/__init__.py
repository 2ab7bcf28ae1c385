"""Benchmark scripts; figures go to docs/benchmarks.md."""
