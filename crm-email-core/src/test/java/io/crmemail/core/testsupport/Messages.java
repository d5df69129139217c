package io.crmemail.core.testsupport;

import io.crmemail.core.MessageRequest;

/** {@code /api/v1} requests for the {@link TestWorld}: sales@acme.com (integration 7) to the lead. */
public final class Messages {

    private Messages() {
    }

    /** A valid message on no record; tests change what they need. */
    public static MessageRequest.Builder basic() {
        return MessageRequest.builder().from("sales@acme.com").to("Jane Doe <lead@example.org>")
                .subject("Hello").html("<p>Hi there</p>");
    }

    /** {@link #basic()} on the world's record 456 of table 123. */
    public static MessageRequest.Builder onRecord() {
        return basic().record(TestWorld.TABLE, TestWorld.RECORD);
    }
}
