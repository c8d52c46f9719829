"""Launcher used by bench.py when /usr/bin/time is missing: runs a command and writes that
one child's rusage (os.wait4) as JSON. A small launcher matters: Linux counts the RSS of the
process image before exec into ru_maxrss, so forking straight from the benchmark's own large
Python process would inflate every child's peak RSS. This launcher adds a ~10 MiB floor.

Usage: python -S rusage.py STATS.json PROGRAM ARGS...
"""

import json
import os
import sys


def main() -> int:
    stats, argv = sys.argv[1], sys.argv[2:]
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(stats, "w") as f:
        json.dump({"cpu_s": usage.ru_utime + usage.ru_stime,
                   "maxrss_kib": usage.ru_maxrss, "returncode": code}, f)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
