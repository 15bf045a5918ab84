"""Benchmarks of the platform's pages against floors measured in the same run (see README.md)."""
