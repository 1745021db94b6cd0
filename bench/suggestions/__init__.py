"""Benchmarks of the machine's suggestions against public research sets in ../shared/intel (measured, never shipped)."""
