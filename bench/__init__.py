"""Benchmarks: one command each, figures appended to bench/RESULTS.md."""
