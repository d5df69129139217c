package io.crmemail.core.message;

/** The comment types an email appears as on a record's timeline. */
public enum CommentType {
    EMAIL_OUT("email_out"),
    EMAIL_IN("email_in");

    private final String wire;

    CommentType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
