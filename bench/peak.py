"""Run a Python program and record its own peak memory: `python -m bench.peak OUT (SCRIPT | -m MODULE) ARGS...`.

The peak is VmHWM from /proc/self/status, read at exit: the high-water mark of this program's own
memory. (wait4's ru_maxrss would also count the memory of the harness the child was forked from,
which Linux carries across exec.) OUT receives the figure in kB.
"""

import atexit
import runpy
import sys
from pathlib import Path


def high_water_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    out, target, *rest = sys.argv[1:]
    atexit.register(lambda: Path(out).write_text(str(high_water_kb())))
    if target == "-m":
        module, *args = rest
        sys.argv = [module, *args]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target, *rest]
        sys.path.insert(0, str(Path(target).resolve().parent))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main()
