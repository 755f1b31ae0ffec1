#!/bin/sh
# mlkem_ct.sh -- make check: ML-KEM-768 runs in constant time. Runs
# tests/unit/test_mlkem_ct under valgrind's memcheck, which reports any
# branch or memory index on the secrets the test marks undefined; and
# first with --leak, to show that this valgrind does report such a leak
# (a check that could not fail proves nothing). Run from the build
# directory; configure builds the test only without sanitizers.
t=tests/unit/test_mlkem_ct
command -v valgrind >/dev/null 2>&1 ||
	{ echo "ok - mlkem constant time: skipped, no valgrind"; exit 77; }
[ -x "$t" ] || { echo "not ok - $t not built"; exit 1; }
vg="valgrind -q --error-exitcode=3 --track-origins=yes"
out=$($vg "$t" --leak 2>&1)
if [ $? -eq 3 ] && echo "$out" | grep -q 'depends on uninitialised' &&
    echo "$out" | grep -q 'Use of uninitialised value'; then
	echo "ok - valgrind reports a secret branch and a secret index"
else
	echo "not ok - valgrind missed a deliberate secret branch/index:"
	echo "$out" | sed 's/^/    /'
	exit 1
fi
$vg "$t" 2>"$t.vg.log"
rc=$?
if [ $rc -eq 0 ]; then
	echo "ok - mlkem keygen, encaps, decaps: no secret-dependent branch or index"
else
	echo "not ok - mlkem constant time (exit $rc):"
	grep -E '^==[0-9]+==' "$t.vg.log" | head -n 40 | sed 's/^/    /'
fi
rm -f "$t.vg.log"
exit $rc
