package io.crmemail.core.delivery;

/**
 * One SMTP reply: its code and its text, the lines joined with LF and stripped as Angus reports a
 * server response, so results read the same whichever transport sent the message.
 */
record SmtpReply(int code, String text) {

    boolean positive() {
        return code >= 200 && code < 300;
    }

    boolean is(int expected) {
        return code == expected;
    }

    /** 5xx: another try will not help. */
    boolean permanent() {
        return code >= 500 && code < 600;
    }

    @Override
    public String toString() {
        return text;
    }
}
