/* cmds.h -- method handlers, one group per cmd_*.c file. */
#ifndef WARREN_RPC_CMDS_H
#define WARREN_RPC_CMDS_H

#include "rpc/rpc.h"

rpc_handler rpc_status, rpc_identity_get, rpc_unlock, rpc_lock,
    rpc_shutdown, rpc_methods;
rpc_handler rpc_contacts_add, rpc_contacts_accept, rpc_contacts_reject,
    rpc_contacts_block, rpc_contacts_unblock, rpc_contacts_remove,
    rpc_contacts_rename, rpc_contacts_list, rpc_requests_list;
rpc_handler rpc_messages_send, rpc_messages_list, rpc_events_subscribe;
rpc_handler rpc_messages_resend;
rpc_handler rpc_contacts_set_timer, rpc_settings_get, rpc_settings_set,
    rpc_passwd, rpc_export;
rpc_handler rpc_contacts_verify;
rpc_handler rpc_messages_unread, rpc_contacts_get;
rpc_handler rpc_mailbox_pair_code, rpc_mailbox_pair, rpc_mailbox_status,
    rpc_mailbox_unpair;
rpc_handler rpc_files_send, rpc_files_list, rpc_files_accept,
    rpc_files_reject, rpc_files_cancel, rpc_files_save;
rpc_handler rpc_groups_list, rpc_groups_create, rpc_groups_invite,
    rpc_groups_accept, rpc_groups_decline, rpc_groups_send, rpc_groups_log,
    rpc_groups_members, rpc_groups_leave, rpc_groups_remove,
    rpc_groups_rename;

#endif
