#!/usr/bin/env bash
# make_v3_fixture.sh -- how tests/integration/data/v3/ was made: two data
# directories written by warren at commit 9c0bc0e (schema 3, sealing
# format 1, the nick in the clear), for store_upgrade.sh. Not run by the
# test suite. Usage, with a build of that commit:
#   git worktree add /tmp/old 9c0bc0e && (build it in /tmp/old/build)
#   BUILD_DIR=/tmp/old/build WARREN_TESTNET=... bash make_v3_fixture.sh OUT
. "$(dirname "$0")/../lib.bash"
OUT=$1
need_testnet
printf 'bob fixture pass\n' >"$T/bob.pass"
node_start alice && node_start bob --passphrase-file "$T/bob.pass" || exit 1
node_start_notor carol || exit 1
wait_published alice && wait_published bob || { notok published no; exit 1; }
w alice set nick "Alice Fixturenick" >/dev/null
w bob set nick "Bob Fixturenick" >/dev/null
befriend alice bob || { notok befriend no; exit 1; }
for i in 1 2 3; do
	w alice send bob "old a->b $i" >/dev/null
	w bob send alice "old b->a $i" >/dev/null
done
wait_until 120 outbox_empty alice && wait_until 120 outbox_empty bob ||
    { notok delivered no; exit 1; }
w alice add "$(onion carol)" --name carol --message "hi carol" >/dev/null
w alice verify bob --confirm >/dev/null
sleep 2
node_stop alice; node_stop bob; node_stop carol
mkdir -p "$OUT/alice" "$OUT/bob"
for n in alice bob; do
	cp "$T/$n/warren.db" "$T/$n/storage.key" "$OUT/$n/"
	[ -e "$T/$n/warren.db-wal" ] && echo "# $n: WAL left" && exit 1
done
ok "fixture written to $OUT"
