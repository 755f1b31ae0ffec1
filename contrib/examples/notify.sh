#!/usr/bin/env bash
# notify.sh -- desktop notifications for warren: new messages, contact
# requests and security alerts, via notify-send when it is there, else
# printed on stdout.
#
#   notify.sh [-d DIR]
#
# Built on `warren --json watch` (one event per line). It remembers the id
# of the last event it saw and, when warrend restarts or the stream ends,
# waits and watches again from that id (`--since`), so nothing is missed
# and nothing is shown twice while it runs. Needs python3 (to read JSON).
set -u

dir_args=()
while getopts d:h opt; do
	case $opt in
	d) dir_args=(-d "$OPTARG") ;;
	*)
		echo "usage: notify.sh [-d DIR]" >&2
		exit 2
		;;
	esac
done

warren=${WARREN:-warren}
have_notify=0
if command -v notify-send >/dev/null 2>&1 && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
	have_notify=1
fi

# Turn each JSON event into "id<TAB>kind<TAB>title<TAB>body" (kind "-" for
# events we do not show). Tabs and newlines inside texts become spaces.
parse() {
	python3 -u -c '
import json, sys
for line in sys.stdin:
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    d = ev.get("data") or {}
    who = d.get("name") or d.get("contact", "?")
    kind, title, body = "-", "", ""
    if ev.get("type") == "message.received":
        kind, title, body = "message", "warren: " + who, d.get("text", "")
    elif ev.get("type") == "contact.request":
        kind, title = "request", "warren: contact request"
        body = "%s wants to add you" % who
        if d.get("text"):
            body += ": " + d["text"]
        body += "\n(warren accept %s)" % d.get("contact", "")
    elif ev.get("type") == "security.alert":
        kind, title = "alert", "warren: security alert"
        body = "%s: %s" % (who, d.get("alert", ""))
        if d.get("alert") == "session reset":
            body += "\n(compare safety numbers: warren verify %s)" % \
                d.get("contact", "")
    clean = lambda s: " ".join(s.split())
    print("%d\t%s\t%s\t%s" % (ev.get("id", 0), kind, clean(title), clean(body)))
'
}

# Show one notification.
show() {
	local kind=$1 title=$2 body=$3
	if [ $have_notify -eq 1 ]; then
		notify-send -a warren -u "$(case $kind in request | alert) echo critical ;; *) echo normal ;; esac)" \
		    -- "$title" "$body"
	else
		printf '%s %s: %s\n' "$(date +%H:%M)" "$title" "$body"
	fi
}

since=""
delay=1
trap 'exit 0' INT TERM
while :; do
	# Without --since the first run shows only what happens from now on.
	while IFS=$'\t' read -r id kind title body; do
		since=$id
		delay=1
		[ "$kind" = "-" ] || show "$kind" "$title" "$body"
	done < <("$warren" ${dir_args[@]+"${dir_args[@]}"} --json watch ${since:+--since "$since"} 2>/dev/null | parse)
	sleep "$delay"
	[ $delay -lt 30 ] && delay=$((delay * 2))
done
