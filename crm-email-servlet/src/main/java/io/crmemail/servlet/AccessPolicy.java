package io.crmemail.servlet;

import io.crmemail.core.Caller;

/**
 * The host's permission check: may this caller write (send email from, read the email timeline of) records
 * of this table? Consulted by send, recordContext and comments; answered with 403 when false.
 */
@FunctionalInterface
public interface AccessPolicy {

    boolean canWrite(Caller caller, long tableId);

    /** Everyone authenticated may write every table of their account. For demos and tests. */
    static AccessPolicy allowAll() {
        return (caller, tableId) -> true;
    }
}
