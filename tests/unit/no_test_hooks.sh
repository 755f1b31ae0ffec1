#!/bin/sh
# no_test_hooks.sh -- make check: the test-only hooks (a fixed Noise
# ephemeral key, a Noise nonce jump, a tap on every ratchet message key)
# are not in the production library or programs, only in libwarrentest.a.
# Run from the build directory.
hooks="noise_hs_set_ephemeral noise_hs_set_kem_seed noise_cs_set_nonce ratchet_set_key_hook"
fail=0
command -v nm >/dev/null 2>&1 || { echo "ok - skipped: no nm"; exit 77; }
for f in libwarren.a warrend warren; do
	[ -f "$f" ] || { echo "not ok - $f not built"; fail=1; continue; }
	syms=$(nm -A "$f" 2>/dev/null)
	if ! echo "$syms" | grep -qw log_init; then
		echo "ok - $f: no symbol table (stripped); libwarren.a is checked"
		continue
	fi
	for h in $hooks; do
		if echo "$syms" | grep -qw "$h"; then
			echo "not ok - $f contains $h"; fail=1
		else
			echo "ok - $f has no $h"
		fi
	done
done
# The control: the hooks are where they belong, and nm sees symbols.
for h in $hooks; do
	if nm -A libwarrentest.a 2>/dev/null | grep -qw "T $h"; then
		echo "ok - libwarrentest.a has $h"
	else
		echo "not ok - libwarrentest.a lacks $h (is nm working?)"; fail=1
	fi
done
exit $fail
