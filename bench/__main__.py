"""`python -m bench --scale tiny|small|default|1m [--only WORKLOAD ...] [--output FILE]`; see bench/harness.py."""

import sys

from bench.harness import main

sys.exit(main())
