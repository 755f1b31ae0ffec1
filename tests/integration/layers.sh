#!/usr/bin/env bash
# layers.sh -- the layering of DESIGN.md §2/§12 holds: a file includes only
# headers of its own layer or the layers below it
# (util <- crypto, store, tor <- net <- core <- rpc <- daemon, cli).
# Needs no daemon and no tor.
set -u
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
failed=0

# The modules each module may include (besides its own and include/warren).
allowed() {
	case "$1" in
	util) echo "" ;;
	crypto|store|tor) echo "util" ;;
	net) echo "util crypto store tor" ;;
	core) echo "util crypto store tor net" ;;
	rpc) echo "util crypto store tor net core" ;;
	daemon|cli) echo "util crypto store tor net core rpc" ;;
	*) echo "?" ;;
	esac
}

for dir in "$SRC_DIR"/src/*/; do
	mod=$(basename "$dir")
	ok_mods=" $mod $(allowed "$mod") "
	bad=""
	for f in "$dir"*.[ch]; do
		[ -e "$f" ] || continue
		while read -r inc; do
			m=${inc%%/*}
			case "$ok_mods" in
			*" $m "*) ;;
			*) bad="$bad $(basename "$f"):$inc" ;;
			esac
		done < <(sed -n 's/^#include "\([a-z_]*\/[^"]*\)".*/\1/p' "$f" |
		    grep -v '^warren/')
	done
	if [ -z "$bad" ]; then
		echo "ok - src/$mod includes only lower layers"
	else
		echo "not ok - src/$mod includes only lower layers: reaches up:$bad"
		failed=1
	fi
done
exit $failed
