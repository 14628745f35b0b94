#!/usr/bin/env bash
# Compiler launcher for bench/compile/measure.sh: runs one compile under /usr/bin/time and
# appends "seconds peak_kb object" to $KIMFLOW_TU_LOG. Links and other steps pass through.
set -u
out=""
prev=""
for arg in "$@"; do
    [ "$prev" = "-o" ] && out=$arg
    prev=$arg
done
stats=$(mktemp)
/usr/bin/time -f '%e %M' -o "$stats" "$@"
status=$?
if [ -n "${KIMFLOW_TU_LOG:-}" ] && [ -s "$stats" ]; then
    echo "$(tail -n 1 "$stats") $out" >>"$KIMFLOW_TU_LOG"
fi
rm -f "$stats"
exit $status
