#!/usr/bin/env bash
# progname.sh -- each program names itself in its errors: warrend's data
# directory errors start with "warrend:", warren's with "warren:". No tor.
. "$(dirname "$0")/lib.bash"

mkdir -m 755 "$T/open"
out=$(env -u WARREN_HOME "$WARREND" -d "$T/open" -f --no-tor 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "^warrend: $T/open is accessible by other users" &&
    ok "warrend on a directory others can read: 'warrend: ...'" ||
    notok "warrend on a directory others can read: 'warrend: ...'" "exit $rc: $out"
touch "$T/file"
out=$("$WARREND" -d "$T/file" -f --no-tor 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "^warrend: $T/file is not a directory" &&
    ok "warrend on a file: 'warrend: ... is not a directory'" ||
    notok "warrend on a file: 'warrend: ... is not a directory'" "exit $rc: $out"
out=$(env -u WARREN_HOME -u XDG_DATA_HOME HOME= "$WARREND" -f --no-tor 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "^warrend: no data directory" &&
    ok "warrend without any data directory: 'warrend: no data directory'" ||
    notok "warrend without any data directory: 'warrend: no data directory'" "exit $rc: $out"
out=$(env -u WARREN_HOME -u XDG_DATA_HOME HOME= "$WARREN" status 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "^warren: no data directory" &&
    ok "warren without any data directory: 'warren: no data directory'" ||
    notok "warren without any data directory: 'warren: no data directory'" "exit $rc: $out"
exit $FAILED
