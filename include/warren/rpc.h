/*
 * rpc.h -- the local JSON-RPC 2.0 API: version, method and event names,
 * error codes. One JSON object per line on <data dir>/warren.sock.
 * Bump WARREN_RPC_VERSION whenever a method, event or code changes meaning.
 */
#ifndef WARREN_RPC_H
#define WARREN_RPC_H

#define WARREN_RPC_VERSION 1

/* Standard JSON-RPC 2.0 errors. */
#define RPC_E_PARSE		-32700	/* not JSON */
#define RPC_E_INVALID_REQUEST	-32600	/* JSON, but not a request */
#define RPC_E_METHOD		-32601	/* no such method */
#define RPC_E_PARAMS		-32602	/* wrong or missing params */
#define RPC_E_INTERNAL		-32603

/* warren errors: stable numbers, documented in doc/rpc.md. */
#define RPC_E_LOCKED		1001	/* storage locked: run warren unlock */
#define RPC_E_PASSPHRASE	1002	/* wrong passphrase */
#define RPC_E_NO_CONTACT	1003	/* unknown contact */
#define RPC_E_AMBIGUOUS		1004	/* name matches several contacts */
#define RPC_E_BAD_ADDRESS	1005	/* not a valid v3 onion address */
#define RPC_E_TOO_LONG		1006	/* text over its limit */
#define RPC_E_EXISTS		1007	/* already a contact / request exists */
#define RPC_E_SELF		1008	/* that is your own address */
#define RPC_E_BLOCKED		1009	/* contact is blocked */
#define RPC_E_NOT_LOCKED	1010	/* unlock when not locked */
#define RPC_E_BAD_TEXT		1011	/* invalid UTF-8 or control characters */
#define RPC_E_TOO_BUSY		1012	/* too many clients */
#define RPC_E_UNVERIFIED_CHANGE	1013	/* safety number changed: confirm */
#define RPC_E_NO_REQUEST	1014	/* no pending request from that address */
#define RPC_E_STATE		1015	/* not possible in the contact's state */

/* Methods. */
#define RPC_M_STATUS		"status"
#define RPC_M_IDENTITY_GET	"identity.get"
#define RPC_M_UNLOCK		"daemon.unlock"
#define RPC_M_LOCK		"daemon.lock"
#define RPC_M_SHUTDOWN		"daemon.shutdown"
#define RPC_M_METHODS		"rpc.methods"
#define RPC_M_CONTACTS_ADD	"contacts.add"
#define RPC_M_CONTACTS_LIST	"contacts.list"
#define RPC_M_CONTACTS_ACCEPT	"contacts.accept"
#define RPC_M_CONTACTS_REJECT	"contacts.reject"
#define RPC_M_CONTACTS_BLOCK	"contacts.block"
#define RPC_M_CONTACTS_UNBLOCK	"contacts.unblock"
#define RPC_M_CONTACTS_REMOVE	"contacts.remove"
#define RPC_M_CONTACTS_RENAME	"contacts.rename"
#define RPC_M_CONTACTS_VERIFY	"contacts.verify"
#define RPC_M_REQUESTS_LIST	"requests.list"
#define RPC_M_MESSAGES_SEND	"messages.send"
#define RPC_M_MESSAGES_LIST	"messages.list"
#define RPC_M_MESSAGES_RESEND	"messages.resend"
#define RPC_M_EVENTS_SUBSCRIBE	"events.subscribe"
#define RPC_M_CONTACTS_TIMER	"contacts.set_timer"
#define RPC_M_SETTINGS_GET	"settings.get"
#define RPC_M_SETTINGS_SET	"settings.set"
#define RPC_M_PASSWD		"daemon.passwd"
#define RPC_M_CONTACTS_GET	"contacts.get"
#define RPC_M_MESSAGES_UNREAD	"messages.unread"
#define RPC_M_EXPORT		"daemon.export"
#define RPC_M_MB_PAIR_CODE	"mailbox.pair_code"
#define RPC_M_MB_PAIR		"mailbox.pair"
#define RPC_M_MB_STATUS		"mailbox.status"
#define RPC_M_MB_UNPAIR		"mailbox.unpair"
#define RPC_M_FILES_SEND	"files.send"
#define RPC_M_FILES_LIST	"files.list"
#define RPC_M_FILES_ACCEPT	"files.accept"
#define RPC_M_FILES_REJECT	"files.reject"
#define RPC_M_FILES_CANCEL	"files.cancel"
#define RPC_M_FILES_SAVE	"files.save"
#define RPC_M_GROUPS_LIST	"groups.list"
#define RPC_M_GROUPS_CREATE	"groups.create"
#define RPC_M_GROUPS_INVITE	"groups.invite"
#define RPC_M_GROUPS_ACCEPT	"groups.accept"
#define RPC_M_GROUPS_DECLINE	"groups.decline"
#define RPC_M_GROUPS_SEND	"groups.send"
#define RPC_M_GROUPS_LOG	"groups.log"
#define RPC_M_GROUPS_MEMBERS	"groups.members"
#define RPC_M_GROUPS_LEAVE	"groups.leave"
#define RPC_M_GROUPS_REMOVE	"groups.remove"
#define RPC_M_GROUPS_RENAME	"groups.rename"

/* Events (params.type of an "event" notification). */
#define RPC_EV_MESSAGE		"message.received"
#define RPC_EV_DELIVERED	"message.delivered"
#define RPC_EV_READ		"message.read"
#define RPC_EV_TIMER		"conversation.timer"
#define RPC_EV_REQUEST		"contact.request"
#define RPC_EV_CONTACT_ADDED	"contact.added"
#define RPC_EV_CHANGED		"contact.changed"
#define RPC_EV_REQ_DELIVERED	"contact.request_delivered"
#define RPC_EV_REJECTED		"contact.rejected"
#define RPC_EV_REQ_DROPPED	"contact.request_dropped"
#define RPC_EV_ONLINE		"contact.online"
#define RPC_EV_OFFLINE		"contact.offline"
#define RPC_EV_TOR		"tor.progress"
#define RPC_EV_PUBLISHED	"onion.published"
#define RPC_EV_SECURITY		"security.alert"
#define RPC_EV_VERIFIED		"contact.verified"
#define RPC_EV_INCOMPATIBLE	"contact.incompatible"
#define RPC_EV_ENDPOINT		"contact.endpoint"
#define RPC_EV_MB_PAIRED	"mailbox.paired"
#define RPC_EV_MB_DEPOSIT	"mailbox.deposited"
#define RPC_EV_MB_FETCH		"mailbox.fetched"
#define RPC_EV_FILE_OFFERED	"file.offered"
#define RPC_EV_FILE_PROGRESS	"file.progress"
#define RPC_EV_FILE_COMPLETE	"file.complete"
#define RPC_EV_FILE_SAVED	"file.saved"
#define RPC_EV_FILE_CANCELLED	"file.cancelled"
#define RPC_EV_FILE_FAILED	"file.failed"
#define RPC_EV_FILE_STALLED	"file.stalled"
#define RPC_EV_GROUP_INVITE	"group.invite"
#define RPC_EV_GROUP_JOINED	"group.joined"
#define RPC_EV_GROUP_MEMBERS	"group.members"
#define RPC_EV_GROUP_REMOVED	"group.removed"
#define RPC_EV_GROUP_MESSAGE	"group.message"

#endif
