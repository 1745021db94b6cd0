"""The benchmark harness: `python -m bench --scale tiny|small|default|1m` (or `make bench SCALE=...`).

It builds a synthetic corpus in its own database (never the desk's), runs each workload beside a
reference measured in the same run on the same machine, prints a table and writes the figures as JSON.
See bench/__main__.py for the order of events and README.md ("Benchmarks") for the latest figures.
"""
