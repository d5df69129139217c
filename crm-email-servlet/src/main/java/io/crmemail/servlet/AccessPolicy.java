package io.crmemail.servlet;

import io.crmemail.core.Caller;

/**
 * The host's permission check: may this caller write (send email from, read the email timeline of) records
 * of this table? Consulted by send, recordContext and comments (and by v1 sends on a record); answered with
 * 403 when false.
 */
@FunctionalInterface
public interface AccessPolicy {

    boolean canWrite(Caller caller, long tableId);

    /**
     * May this caller use a capability of the {@code /api/v1} surface? Permissions are {@code email.send}
     * (send, batch, cancel, uploads, template changes) and {@code email.history} (list, get, events, threads,
     * templates). Answered with 403 insufficient_permissions when false. Default: yes.
     */
    default boolean allows(Caller caller, String permission) {
        return true;
    }
    /** Everyone authenticated may write every table of their account. For demos and tests. */
    static AccessPolicy allowAll() {
        return (caller, tableId) -> true;
    }
}
