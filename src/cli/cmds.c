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
	    "ADDRESS is their onion address (56 characters, .onion optional).\n"
	    "The request is retried until they are reachable. If they have\n"
	    "already asked you, adding them accepts. --name is what you call\n"
	    "them; --message is a greeting they see with the request.\n",
	    cmd_add },
	{ "requests", "", "list contact requests waiting for you",
	    "Accept with 'warren accept', refuse with 'warren reject'.\n",
	    cmd_requests },
	{ "accept", "CONTACT", "accept a contact request",
	    "CONTACT is an address or an unambiguous name.\n", cmd_accept },
	{ "reject", "CONTACT", "reject a contact request",
	    "Nothing about the request is kept.\n", cmd_reject },
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
	    "--expire makes this message disappear (30s .. 4w) on both sides.\n"
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
	{ "chat", "CONTACT", "an interactive conversation",
	    "Shows the last messages, then sends each line you type; incoming\n"
	    "messages and delivery ticks appear as they come. Ctrl-D leaves.\n",
	    cmd_chat },
	{ "timer", "CONTACT DURATION|off", "disappearing messages",
	    "Sets the conversation's timer for both sides (30s .. 4w, e.g.\n"
	    "5m, 1h, 1d, 1w, or off). Each message disappears that long\n"
	    "after it was sent or received, from both histories.\n",
	    cmd_timer },
	{ "log", "CONTACT [--limit N]", "show a conversation",
	    "Oldest first, with each sent message's state: queued, sent,\n"
	    "delivered. Marks the conversation read.\n", cmd_log },
	{ "watch", "[--since ID]", "follow events as they happen",
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
	{ "passwd", "[--remove]", "set, change or remove the passphrase",
	    "Prompts without echo (reads lines of standard input when it is\n"
	    "not a terminal). Only the key file is rewritten, atomically: an\n"
	    "interrupted change leaves the old or the new passphrase.\n",
	    cmd_passwd },
	{ "settings", "", "show settings", "", cmd_settings },
	{ "set", "KEY VALUE", "change a setting",
	    "nick NAME            the name your contact requests carry\n"
	    "refuse_requests on   refuse requests from new peers (your\n"
	    "                     address then only works for contacts)\n"
	    "read_receipts on     send and show read receipts (both sides\n"
	    "                     must turn them on)\n", cmd_set },
	{ "unlock", "", "unlock a daemon started with a passphrase",
	    "Prompts for the passphrase without echo (reads one line of\n"
	    "standard input when it is not a terminal).\n", cmd_unlock },
	{ "lock", "", "drop keys from memory and take the onion offline",
	    "Only when a passphrase is set; 'warren unlock' undoes it.\n",
	    cmd_lock },
	{ "stop", "", "stop the daemon", "Asks warrend to shut down "
	    "cleanly.\n", cmd_stop },
	{ "help", "[COMMAND]", "list commands or explain one", "",
	    cmd_help },
};
const size_t cli_ncmds = sizeof cli_cmds / sizeof cli_cmds[0];
