#!/bin/sh
# --format speedscope: valid against speedscope's published schema, one
# profile per weight, each summing to the JSON report's total.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/formats/lib.sh"

schema=$top_srcdir/tests/formats/fixtures/speedscope-file-format-schema.json
report -f speedscope
mv out speedscope.json

# python3-jsonschema: Debian's, or any python3 on the PATH that has it.
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || fail "no python3 with jsonschema (scripts/install-deps.sh installs python3-jsonschema)"
"$py" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
	"$schema" speedscope.json || fail "speedscope.json does not validate against the schema"
pass "speedscope.json validates against speedscope's schema"

# name, sum of weights, samples = weights, the frames of the first sample
python3 -c 'import json
d = json.load(open("speedscope.json"))
f = d["shared"]["frames"]
for p in d["profiles"]:
    assert len(p["samples"]) == len(p["weights"])
    assert p["endValue"] == sum(p["weights"])
    print(p["name"], p["unit"], sum(p["weights"]), ";".join(f[i]["name"] for i in p["samples"][0]))
' >profiles || fail "the profiles are not consistent"
cat >expected <<END
leaked bytes bytes $(json_field summary.leaked_bytes) main;model_manager_run;handle_request;leak_buffer
peak bytes bytes $(json_field summary.peak_heap_bytes) main;model_manager_run;handle_request;tokenize
allocated bytes bytes $(json_field summary.bytes_allocated) main;model_manager_run;handle_request;tokenize
calls none $(json_field summary.allocations) main;model_manager_run;handle_request;leak_buffer
END
expect_file "the four profiles" expected profiles
expect_grep "frames carry their file" '"name": "tokenize", "file": ".*fmt_trace.c", "line": ' \
	speedscope.json
