#!/bin/sh
# replay.sh -- make check: replay every fuzz target's committed corpus
# through the standalone driver (normal builds) so parsers stay crash-free.
fail=0
for t in tests/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	dir="$srcdir/tests/fuzz/corpus/$name"
	[ -d "$dir" ] || { echo "not ok - $name: no corpus in $dir"; fail=1; continue; }
	if "$t" "$dir" >/dev/null 2>&1; then
		echo "ok - fuzz corpus $name"
	else
		echo "not ok - fuzz corpus $name"; fail=1
	fi
done
exit $fail
