"""Benchmarks: ingest throughput, peak memory and search latency, side by side with a baseline."""
