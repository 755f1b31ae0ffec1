# bash completion for warren(1)                         -*- shell-script -*-
#
# Commands come from `warren help` (so they follow the installed CLI);
# contact names and addresses from `warren --json contacts` / `requests`,
# asked with a short timeout so that a missing or stuck daemon never hangs
# the shell. Install as $(datadir)/bash-completion/completions/warren, or
# source this file.

# The data-dir arguments already on the command line (-d DIR etc.).
_warren_dir_args()
{
	local i w
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-d | --data-dir)
			printf '%s\n' -d "${COMP_WORDS[i + 1]}"
			return
			;;
		--data-dir=*)
			printf '%s\n' -d "${w#--data-dir=}"
			return
			;;
		-d?*)
			printf '%s\n' -d "${w#-d}"
			return
			;;
		esac
	done
}

# The command names, from `warren help` (cached for the shell's life).
_warren_commands()
{
	if [[ -z ${_warren_cmd_cache-} ]]; then
		_warren_cmd_cache=$(warren help 2>/dev/null |
		    awk '/^  [a-z]/ { print $1 }')
		[[ -n $_warren_cmd_cache ]] || _warren_cmd_cache="id status add
requests accept reject block unblock remove rename contacts send resend ui chat
timer log receive unread send-file files accept-file reject-file cancel-file
save-file watch verify groups group passwd export settings set unlock lock stop
mailbox help"
	fi
	printf '%s\n' $_warren_cmd_cache
}

# The output of `warren --json LISTCMD` (nothing if the daemon is away).
_warren_contacts_raw()
{
	local listcmd=$1
	local -a dir
	mapfile -t dir < <(_warren_dir_args)
	if command -v timeout >/dev/null 2>&1; then
		timeout 2 warren "${dir[@]}" --json "$listcmd" 2>/dev/null \
		    </dev/null
	else
		warren "${dir[@]}" --json "$listcmd" 2>/dev/null </dev/null
	fi
}

# Addresses and (single-word) names from `warren --json LISTCMD`.
_warren_contacts()
{
	local listcmd=$1 out
	out=$(_warren_contacts_raw "$listcmd") || return
	# Pretty JSON: one "key": value per line.
	sed -n -e 's/^ *"address": "\([a-z2-7]\{56\}\)",\{0,1\}$/\1/p' \
	    -e 's/^ *"name": "\([^" \\]*\)",\{0,1\}$/\1/p' <<<"$out" |
	    sort -u
}

# 1 2 ...: the numbers `warren accept N` takes (one per pending request).
_warren_request_numbers()
{
	local n
	n=$(_warren_contacts_raw requests | grep -c '^ *"address": ')
	((n > 0)) && seq 1 "$n"
}

_warren()
{
	local cur prev words cword cmd i
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion || return
	else
		COMPREPLY=()
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	# Find the command: the first word that is not a global option.
	cmd=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-d | --data-dir) ((i++)) ;;
		-*) ;;
		*)
			cmd=${words[i]}
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-d | --data-dir)
			compopt -o dirnames 2>/dev/null
			COMPREPLY=($(compgen -d -- "$cur"))
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-d --data-dir -j --json -h --help
			    -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_warren_commands)" -- "$cur"))
		fi
		return
	fi

	# Position of the current word among the command's arguments.
	local argn=$((cword - i))
	case $cmd in
	id)
		((argn == 1)) && COMPREPLY=($(compgen -W '--qr' -- "$cur"))
		;;
	passwd)
		((argn == 1)) && COMPREPLY=($(compgen -W '--remove --rotate' -- "$cur"))
		;;
	export)
		COMPREPLY=($(compgen -f -W '--keep' -- "$cur"))
		;;
	stop)
		((argn == 1)) && COMPREPLY=($(compgen -W '--no-wait' -- "$cur"))
		;;
	add)
		case $prev in
		--name | -n | --message | -m) return ;;
		esac
		[[ $cur == -* ]] &&
		    COMPREPLY=($(compgen -W '--name --message' -- "$cur"))
		;;
	accept | reject)
		# A request's number in `warren requests`, or its address.
		((argn == 1)) &&
		    COMPREPLY=($(compgen -W "$(_warren_request_numbers)
		    $(_warren_contacts requests)" -- "$cur"))
		;;
	ui)
		[[ $cur == -* ]] &&
		    COMPREPLY=($(compgen -W '--no-bell' -- "$cur"))
		;;
	block | unblock | remove | rename | chat | resend)
		((argn == 1)) &&
		    COMPREPLY=($(compgen -W "$(_warren_contacts contacts)" \
		    -- "$cur"))
		;;
	send)
		# Options go anywhere before "--": count the other words.
		local j n=0 dd=0
		case $prev in
		--expire | -e)
			COMPREPLY=($(compgen -W 'off 30s 5m 90m 1.5h 1h 1d 1w' \
			    -- "$cur"))
			return
			;;
		esac
		for ((j = i + 1; j < cword; j++)); do
			case ${words[j]} in
			--) ((dd)) && n=$((n + 1)); dd=1 ;;
			--expire | -e) if ((dd)); then n=$((n + 1)); else j=$((j + 1)); fi ;;
			-?*) ((dd)) && n=$((n + 1)) ;;
			*) n=$((n + 1)) ;;
			esac
		done
		if ((!dd)) && [[ $cur == -?* ]]; then
			COMPREPLY=($(compgen -W '--expire --force' -- "$cur"))
		elif ((n == 0)); then
			COMPREPLY=($(compgen -W "$(_warren_contacts contacts)" \
			    -- "$cur"))
		elif ((n == 1)); then
			COMPREPLY=($(compgen -W '-' -- "$cur"))
		fi
		;;
	timer)
		((argn == 1)) &&
		    COMPREPLY=($(compgen -W "$(_warren_contacts contacts)" \
		    -- "$cur"))
		((argn == 2)) &&
		    COMPREPLY=($(compgen -W 'off 30s 5m 90m 1.5h 1h 1d 1w' \
		    -- "$cur"))
		;;
	mailbox)
		((argn == 1)) && COMPREPLY=($(compgen -W 'pair-code pair status
		    unpair' -- "$cur"))
		((argn == 2)) && [[ $prev == pair-code ]] &&
		    COMPREPLY=($(compgen -W '--qr' -- "$cur"))
		;;
	verify)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--confirm' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_warren_contacts contacts)" \
			    -- "$cur"))
		fi
		;;
	set)
		((argn == 1)) && COMPREPLY=($(compgen -W 'nick refuse_requests
		    read_receipts' -- "$cur"))
		((argn == 2)) && [[ $prev != nick ]] &&
		    COMPREPLY=($(compgen -W 'on off' -- "$cur"))
		;;
	log)
		case $prev in
		--limit | -n) return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--limit --no-mark-read
			    --mark-read' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_warren_contacts contacts)" \
			    -- "$cur"))
		fi
		;;
	receive | unread)
		case $prev in
		--limit | -n) return ;;
		esac
		[[ $cur == -* ]] &&
		    COMPREPLY=($(compgen -W '--limit --no-mark-read' -- "$cur"))
		;;
	send-file)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--wait --expire' -- "$cur"))
		elif ((argn == 1)); then
			COMPREPLY=($(compgen -W "$(_warren_contacts contacts)" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		;;
	save-file | accept-file)
		((argn == 2)) && COMPREPLY=($(compgen -f -- "$cur"))
		;;
	watch)
		case $prev in
		--since | -s) return ;;
		esac
		[[ $cur == -* ]] &&
		    COMPREPLY=($(compgen -W '--since' -- "$cur"))
		;;
	help)
		((argn == 1)) &&
		    COMPREPLY=($(compgen -W "$(_warren_commands)" -- "$cur"))
		;;
	esac
	[[ $cur == -* && ${#COMPREPLY[@]} -eq 0 && $argn -ge 1 ]] &&
	    COMPREPLY=($(compgen -W '--help' -- "$cur"))
	return 0
}
complete -F _warren warren
