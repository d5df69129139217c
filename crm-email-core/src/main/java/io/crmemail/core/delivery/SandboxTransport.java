package io.crmemail.core.delivery;

import io.crmemail.core.message.RecipientResult;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The transport of a sandbox integration: nothing leaves the process. The message is still written out in full
 * (to nowhere) so that what only fails on the wire, such as an attachment that cannot be read, fails here too;
 * then every recipient counts as accepted with the reply {@value #REPLY}.
 */
final class SandboxTransport implements MailTransport {

    static final String REPLY = "sandbox: not transmitted";

    @Override
    public TransportResult send(MimeMessage message, Envelope envelope) {
        try {
            message.writeTo(OutputStream.nullOutputStream());
        } catch (IOException | MessagingException | RuntimeException e) {
            return TransportResult.permanentFailure(0, "sandbox: the message could not be written: "
                    + SmtpFailures.describe(e), List.of());
        }
        List<RecipientResult> accepted = envelope.recipients().stream()
                .map(r -> new RecipientResult(r, true, 250, REPLY)).toList();
        return TransportResult.sent(250, REPLY, accepted);
    }

    @Override
    public void close() {
        // nothing was opened
    }
}
