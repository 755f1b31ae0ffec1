/* cmds.c -- warren(1)'s command table: --help, help and completion use it. */
#include <stddef.h>

#include "cli/cli.h"


const struct cli_cmd cli_cmds[] = {
	{ "id", "[--qr]", "print your onion address",
	    "Your address is your identity: give it to people who should be\n"
	    "able to add you. --json adds the form with .onion. --qr also\n"
	    "draws it (with .onion) as a QR code to scan.\n", cmd_id },
	{ "status", "", "show the daemon, tor and onion state",
	    "Shows whether the store is locked, tor's bootstrap progress\n"
	    "(e.g. 'tor: 45% (loading descriptors)', then 'tor: ready') and\n"
	    "whether your onion is published.\n", cmd_status },
	{ "add", "ADDRESS [--name NAME] [--message TEXT]",
	    "send a contact request",
	    "ADDRESS is their onion address (56 characters, .onion optional;\n"
	    "also a warren: link or a pasted http://ADDRESS.onion/ URL).\n"
	    "The request is retried until they are reachable. If they have\n"
	    "already asked you, adding them accepts. --name is what you call\n"
	    "them; --message is a greeting they see with the request.\n",
	    cmd_add },
	{ "requests", "", "list contact requests waiting for you",
	    "Accept with 'warren accept', refuse with 'warren reject'.\n",
	    cmd_requests },
	{ "accept", "N|CONTACT", "accept a contact request",
	    "N is the request's number in 'warren requests'; CONTACT its\n"
	    "address, a unique prefix of it, or a name only one request has.\n",
	    cmd_accept },
	{ "reject", "N|CONTACT", "reject a contact request",
	    "N or CONTACT as for accept. Nothing about the request is kept.\n",
	    cmd_reject },
	{ "block", "CONTACT|ADDRESS", "block a contact or any address",
	    "A blocked peer is disconnected right after its handshake; its\n"
	    "messages never reach your store.\n", cmd_block },
	{ "unblock", "CONTACT", "unblock", "", cmd_unblock },
	{ "remove", "CONTACT", "remove a contact and its history", "",
	    cmd_remove },
	{ "rename", "CONTACT NAME", "change what you call a contact", "",
	    cmd_rename },
	{ "contacts", "", "list contacts: state, online, unread",
	    "", cmd_contacts },
	{ "send", "[--expire DURATION] [--force] CONTACT TEXT... | CONTACT -",
	    "send a message",
	    "Returns at once with the message id: the message is queued and\n"
	    "delivered when the contact is online, also after restarts.\n"
	    "With '-' or no TEXT the message is read from standard input.\n"
	    "--expire makes this message disappear (30s .. 4w, e.g. 90m or\n"
	    "1.5h) on both sides.\n"
	    "--force sends although the contact's session was reset and not\n"
	    "yet verified again (on a terminal you are asked instead).\n",
	    cmd_send },
	{ "resend", "CONTACT", "send messages held by a session reset",
	    "After a contact's session was set up again (a security note in\n"
	    "the conversation), messages you had queued for them are held\n"
	    "until you accept the new session. Compare safety numbers and\n"
	    "use 'warren verify CONTACT --confirm', or accept it without\n"
	    "comparing with resend: the held messages are then encrypted\n"
	    "for the new session and sent.\n",
	    cmd_resend },
	{ "ui", "[--no-bell]", "the full-screen terminal client",
	    "Contacts on the left (online dot, verified mark, timer, unread\n"
	    "count), the conversation on the right with each message's state\n"
	    "updating in place, a status bar and an input line that incoming\n"
	    "messages never disturb. Enter sends; /help lists the commands\n"
	    "(/add /accept /reject /block /verify /timer /rename /remove\n"
	    "/bell /help /quit) and keys: Tab, Shift-Tab or Alt-1..9 switch\n"
	    "contacts, PgUp/PgDn scroll back, Ctrl-L redraws. A line starting\n"
	    "with / is never sent; //text sends /text. Survives a restart of\n"
	    "warrend (it reconnects). --no-bell: no terminal bell when a\n"
	    "message arrives in another conversation (/bell toggles it).\n",
	    cmd_ui },
	{ "chat", "CONTACT", "an interactive conversation",
	    "Shows the last messages, then sends each line you type; incoming\n"
	    "messages and delivery ticks appear as they come. Ctrl-D leaves.\n",
	    cmd_chat },
	{ "timer", "CONTACT [DURATION|off]", "disappearing messages",
	    "Without DURATION, shows the conversation's timer. With it, sets\n"
	    "it for both sides (30s .. 4w, e.g. 90s, 5m, 1.5h, 1h30m, 1d,\n"
	    "1w, or off). Each message disappears that long after it was\n"
	    "sent or received, from both histories.\n",
	    cmd_timer },
	{ "log", "CONTACT [--limit N] [--no-mark-read|--mark-read]",
	    "show a conversation",
	    "Oldest first, with each sent message's state: queued, sent,\n"
	    "delivered, read; disappearing messages show the time they have\n"
	    "left. Marks the conversation read (which sends a read receipt\n"
	    "when both sides have them on) unless --no-mark-read; with\n"
	    "--json only with --mark-read.\n", cmd_log },
	{ "receive", "[--limit N] [--no-mark-read]",
	    "print new messages from all contacts",
	    "Prints the messages that arrived since you last read each\n"
	    "conversation, oldest first, and marks them read (read receipts\n"
	    "go out where both sides have them on), then exits.\n"
	    "--no-mark-read only looks. At most N (default 1000) at once.\n",
	    cmd_receive },
	{ "unread", "[--limit N] [--no-mark-read]", "the same as receive",
	    "Another name for 'warren receive' (see 'warren help receive').\n",
	    cmd_receive },
	{ "send-file", "[--expire DURATION] [--wait] CONTACT PATH",
	    "offer a file",
	    "The offer (name, size, type, content hash and the file's key)\n"
	    "goes to CONTACT as a message; the file itself moves on its own\n"
	    "tor stream once they accept, encrypted and verified chunk by\n"
	    "chunk, and resumes where it stopped after a disconnect or a\n"
	    "restart. Keep PATH unchanged until it is sent. On a terminal\n"
	    "(or with --wait) a progress bar follows the transfer; Ctrl-C\n"
	    "leaves it running in warrend. --expire (30s .. 4w, or off)\n"
	    "makes the transfer, its data and its note disappear on both\n"
	    "sides that long after the offer; default: the conversation's\n"
	    "timer.\n", cmd_send_file },
	{ "files", "", "list file transfers",
	    "Each transfer with its id, direction (-> out, <- in), state\n"
	    "(offered, transferring, complete, saved, cancelled, rejected,\n"
	    "failed), bytes so far and the contact.\n", cmd_files },
	{ "accept-file", "ID [PATH]", "accept an offered file",
	    "Checks the free space, then fetches the file into the data\n"
	    "directory, where it stays encrypted. With PATH it is written\n"
	    "there (a directory: under the offered name) when complete;\n"
	    "else use 'warren save-file'. 'warren set auto_accept_files\n"
	    "SIZE' accepts files up to SIZE without asking.\n",
	    cmd_accept_file },
	{ "reject-file", "ID", "refuse an offered file", "",
	    cmd_reject_file },
	{ "cancel-file", "ID", "stop a transfer (either direction)",
	    "The partial data is deleted and the contact is told.\n",
	    cmd_cancel_file },
	{ "save-file", "ID PATH", "write a received file out",
	    "Decrypts and checks the content hash on the way; never\n"
	    "overwrites an existing file (a directory: under the offered\n"
	    "name). The encrypted copy in the data directory is deleted.\n",
	    cmd_save_file },
	{ "watch", "[--since ID]", "follow events as they happen",
	    "Each line starts with the local time of the event and its id.\n"
	    "With --since, first replays every event after ID. --json prints\n"
	    "one JSON object per line (for scripts).\n", cmd_watch },
	{ "verify", "CONTACT [--confirm]",
	    "compare safety numbers with a contact",
	    "Shows the safety number of you and CONTACT (12 groups of 5\n"
	    "digits, the same on both sides) and a QR code of it. Compare\n"
	    "them in person or over a channel you trust; if they match, mark\n"
	    "the contact verified with --confirm (kept until their session is\n"
	    "reset, which asks you to compare again).\n"
	    "A different number means you do not have each other's address.\n",
	    cmd_verify },
	{ "groups", "", "list groups: status, members, unread", "",
	    cmd_groups },
	{ "group", "SUBCOMMAND GROUP ...", "serverless encrypted groups",
	    "  create NAME            a new group; you are its creator\n"
	    "  invite GROUP CONTACT   invite a contact (creator only)\n"
	    "  accept GROUP           accept an invitation ('warren groups')\n"
	    "  decline GROUP          decline it (nothing is kept)\n"
	    "  send GROUP TEXT...     send to every member (- or no TEXT:\n"
	    "                         standard input)\n"
	    "  log GROUP [--limit N] [--no-mark-read]\n"
	    "                         the history, in Lamport-clock order\n"
	    "  members GROUP          the creator-signed member list\n"
	    "  leave GROUP            leave; the others get new keys\n"
	    "  remove GROUP MEMBER    remove a member; keys rotate, so they\n"
	    "                         cannot read what follows (creator only)\n"
	    "  rename GROUP NAME      rename the group (creator only)\n"
	    "GROUP is the number 'warren groups' shows, or the group's name.\n"
	    "Members need not be each other's contacts: messages travel\n"
	    "through the members who are, and wait in their outboxes for\n"
	    "whoever is offline.\n", cmd_group },
	{ "passwd", "[--remove | --rotate]",
	    "set, change or remove the passphrase",
	    "Prompts without echo (reads lines of standard input when it is\n"
	    "not a terminal). Every change also rotates the storage key and\n"
	    "seals everything again under it; --rotate does only that. An\n"
	    "interrupted change leaves the old or the new passphrase and key.\n",
	    cmd_passwd },
	{ "export", "[--keep] FILE", "move everything to one sealed file",
	    "Asks for a passphrase for the file (twice), then writes your\n"
	    "identity, contacts, sessions and history into FILE (which must\n"
	    "not exist), sealed under it. Then this daemon stops and this\n"
	    "data directory will not start again (warrend --reclaim overrides):\n"
	    "start the copy with 'warrend -d NEWDIR --import FILE'. With\n"
	    "--keep this copy carries on: then never run both, and never\n"
	    "import an old file while this copy has run since (see\n"
	    "warren(1) BACKUP; an import refuses to start while this copy\n"
	    "answers on its onion).\n",
	    cmd_export },
	{ "settings", "", "show settings", "", cmd_settings },
	{ "set", "KEY VALUE", "change a setting",
	    "nick NAME            the name your contact requests carry\n"
	    "refuse_requests on   refuse requests from new peers (your\n"
	    "                     address then only works for contacts)\n"
	    "read_receipts on     send and show read receipts (both sides\n"
	    "                     must turn them on)\n"
	    "discoverable off     stop publishing your public address:\n"
	    "                     nobody can probe it or send requests;\n"
	    "                     contacts still reach you at your private\n"
	    "                     endpoint for them\n"
	    "auto_accept_files S  accept offered files up to size S (e.g.\n"
	    "                     10M) without asking; off by default\n",
	    cmd_set },
	{ "unlock", "", "unlock a daemon started with a passphrase",
	    "Prompts for the passphrase without echo (reads one line of\n"
	    "standard input when it is not a terminal).\n", cmd_unlock },
	{ "lock", "", "drop keys from memory and take the onion offline",
	    "Only when a passphrase is set; 'warren unlock' undoes it.\n",
	    cmd_lock },
	{ "stop", "[--no-wait]", "stop the daemon",
	    "Asks warrend to shut down cleanly and waits until it is gone\n"
	    "(with its tor), so a new warrend can start at once. --no-wait\n"
	    "returns as soon as the daemon has the request.\n", cmd_stop },
	{ "mailbox", "pair-code [--qr] | pair CODE | status | unpair",
	    "asynchronous delivery through a mailbox",
	    "A mailbox keeps messages for you while you are offline. Run one\n"
	    "with 'warrend --mailbox -d DIR' on an always-on machine; there,\n"
	    "'warren -d DIR mailbox pair-code' prints a one-time code (--qr\n"
	    "draws it). On your own daemon, 'warren mailbox pair CODE' pairs\n"
	    "with it; your contacts are then told (inside your encrypted\n"
	    "sessions) where to leave messages when you are away, and your\n"
	    "daemon fetches them when it starts and every few minutes.\n"
	    "The mailbox sees only padded, encrypted blobs, never who wrote\n"
	    "them or what they say. status shows reachability, the last\n"
	    "fetch and what waits there; unpair forgets the mailbox and tells\n"
	    "your contacts to stop depositing.\n", cmd_mailbox },
	{ "help", "[COMMAND]", "list commands or explain one", "",
	    cmd_help },
};
const size_t cli_ncmds = sizeof cli_cmds / sizeof cli_cmds[0];
