package io.crmemail.core.mailbox;

/** No access token could be had for a connected mailbox. */
public class TokenException extends Exception {

    private final boolean permanent;

    /**
     * @param permanent true when retrying will not help until someone reconnects the mailbox (the refresh
     *                  token was revoked: {@code invalid_grant}); false for trouble that may pass
     */
    public TokenException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public TokenException(String message, boolean permanent) {
        this(message, permanent, null);
    }

    /** True when retrying will not help until the mailbox is connected again. */
    public boolean isPermanent() {
        return permanent;
    }
}
