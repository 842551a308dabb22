"""Runs compatibility scenarios and prints the table every compat suite prints.

Each scenario is a function that raises on failure. A failed scenario is reported and the suite
goes on; the last line is `<label>: N passed, N failed`.
"""
import sys
import time
import traceback


def run(label, header, scenarios):
    print(header)
    results = []
    for scenario in scenarios:
        started = time.monotonic()
        try:
            scenario()
            outcome, detail = "pass", ""
        except Exception as e:  # noqa: BLE001 - every failure is a result to report
            outcome, detail = "FAIL", f"{type(e).__name__}: {str(e).splitlines()[0][:150] if str(e) else ''}"
            traceback.print_exc(file=sys.stderr)
        results.append((scenario.__name__, outcome, detail, int((time.monotonic() - started) * 1000)))
    print(f"{label + ' scenario':42} {'result':6} {'ms':>6}  detail")
    for name, outcome, detail, ms in results:
        print(f"{name:42} {outcome:6} {ms:6}  {detail}")
    failed = sum(1 for r in results if r[1] != "pass")
    print(f"{label}: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0
