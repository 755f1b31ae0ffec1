/* cmds.c -- the method table: one entry per method, handlers elsewhere. */
#include <stddef.h>

#include "warren/rpc.h"
#include "rpc/cmds.h"
#include "rpc/rpc.h"


const struct rpc_cmd rpc_cmds[] = {
	{ RPC_M_STATUS, 0, "{}", "daemon, tor and onion state", rpc_status },
	{ RPC_M_IDENTITY_GET, RPC_F_UNLOCKED, "{}", "your onion address",
	    rpc_identity_get },
	{ RPC_M_UNLOCK, 0, "{passphrase}", "unlock the store",
	    rpc_unlock },
	{ RPC_M_LOCK, 0, "{}",
	    "drop keys from memory and go offline", rpc_lock },
	{ RPC_M_SHUTDOWN, 0, "{}", "stop the daemon", rpc_shutdown },
	{ RPC_M_METHODS, 0, "{}", "list methods and their params",
	    rpc_methods },
	{ RPC_M_CONTACTS_ADD, RPC_F_UNLOCKED, "{address, name?, message?}",
	    "send a contact request", rpc_contacts_add },
	{ RPC_M_CONTACTS_LIST, RPC_F_UNLOCKED, "{}", "list contacts",
	    rpc_contacts_list },
	{ RPC_M_CONTACTS_ACCEPT, RPC_F_UNLOCKED, "{contact}",
	    "accept a contact request", rpc_contacts_accept },
	{ RPC_M_CONTACTS_REJECT, RPC_F_UNLOCKED, "{contact}",
	    "reject a contact request (nothing is kept)",
	    rpc_contacts_reject },
	{ RPC_M_CONTACTS_BLOCK, RPC_F_UNLOCKED, "{contact}",
	    "block a contact or any address", rpc_contacts_block },
	{ RPC_M_CONTACTS_UNBLOCK, RPC_F_UNLOCKED, "{contact}",
	    "unblock", rpc_contacts_unblock },
	{ RPC_M_CONTACTS_REMOVE, RPC_F_UNLOCKED, "{contact}",
	    "remove a contact and its history", rpc_contacts_remove },
	{ RPC_M_CONTACTS_RENAME, RPC_F_UNLOCKED, "{contact, name}",
	    "rename a contact", rpc_contacts_rename },
	{ RPC_M_REQUESTS_LIST, RPC_F_UNLOCKED, "{}",
	    "list pending contact requests", rpc_requests_list },
	{ RPC_M_CONTACTS_TIMER, RPC_F_UNLOCKED, "{contact, seconds}",
	    "set the conversation's disappearing-message timer (0 = off)",
	    rpc_contacts_set_timer },
	{ RPC_M_SETTINGS_GET, RPC_F_UNLOCKED, "{}",
	    "nick, refuse_requests, read_receipts", rpc_settings_get },
	{ RPC_M_SETTINGS_SET, RPC_F_UNLOCKED, "{key, value}",
	    "change one setting", rpc_settings_set },
	{ RPC_M_PASSWD, RPC_F_UNLOCKED, "{old?, new?, rotate?}",
	    "set, change or (no new) remove the passphrase, or (rotate) "
	    "only rotate the storage key", rpc_passwd },
	{ RPC_M_EXPORT, RPC_F_UNLOCKED, "{file, passphrase, keep?}",
	    "write everything to one sealed file and (unless keep) stop "
	    "this copy", rpc_export },
	{ RPC_M_MESSAGES_SEND, RPC_F_UNLOCKED, "{contact, text, expire?, force?}",
	    "queue a message; returns its id at once", rpc_messages_send },
	{ RPC_M_MESSAGES_LIST, RPC_F_UNLOCKED,
	    "{contact, limit?, before?, mark_read?}",
	    "a conversation's history, oldest first", rpc_messages_list },
	{ RPC_M_EVENTS_SUBSCRIBE, RPC_F_UNLOCKED, "{since?}",
	    "replay events after since, then stream them",
	    rpc_events_subscribe },
	{ RPC_M_CONTACTS_VERIFY, RPC_F_UNLOCKED, "{contact, confirm?}",
	    "safety number and verified state; confirm marks verified",
	    rpc_contacts_verify },
};
const size_t rpc_ncmds = sizeof rpc_cmds / sizeof rpc_cmds[0];
