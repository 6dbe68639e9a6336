# Reads each file named on stdin (one path a line) with botocore's own
# configloader and prints one JSON object a line: for a config file the
# profiles of load_config, for a credentials file the sections of
# raw_config_parse (botocore uses them as profile names as they are), or
# the error botocore raises. Used by differential_test.go.
import json
import sys

import botocore.configloader as cl

for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    kind = "config" if path.endswith(".config") else "credentials"
    try:
        if kind == "config":
            out = {"profiles": cl.load_config(path)["profiles"]}
        else:
            out = {"profiles": cl.raw_config_parse(path)}
    except Exception as e:  # noqa: BLE001 - any refusal is the answer
        cause = getattr(e, "kwargs", {}).get("error")
        out = {"error": str(e), "cause": repr(cause)}
    print(json.dumps(out))
