package io.crmemail.benchmarks;

import io.crmemail.core.EmailService;
import io.crmemail.core.SendResult;
import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

/**
 * Child JVM of {@link MemoryCheck}: one inbound reply of about 50 MB (a 37.5 MB attachment, base64
 * encoded) routed by its reply token to a sent message and stored with its attachment. Exits 0 when the
 * result is {@code STORED}.
 */
public final class BigInboundReceive {

    /** Raw bytes of the attachment; base64 with CRLF every 76 characters makes the message ~50.7 MB. */
    static final int ATTACHMENT = 37_500_000;

    public static void main(String[] argv) throws Exception {
        String storeKind = argv[0];
        Path dir = Files.createTempDirectory("crm-email-bench-inbound");
        try (BenchStores stores = new BenchStores()) {
            EmailStore store = stores.open(storeKind, 4);
            BenchCrm crm = new BenchCrm(store, dir.resolve("attachments"), 25, 1);
            try (EmailService service = crm.service(new CountingTransports()).workers(0)
                    .spoolDirectory(dir).build()) {
                SendResult sent = service.send(BenchCrm.CALLER, crm.request(0));
                String token = store.tokens(sent.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                        .map(TrackingToken::token).findFirst().orElseThrow();
                Path raw = dir.resolve("inbound.eml");
                write(raw, "reply-" + token + "@" + BenchCrm.REPLY_DOMAIN);
                long size = Files.size(raw);
                long start = System.nanoTime();
                InboundResult result;
                try (InputStream in = Files.newInputStream(raw)) {
                    result = service.receive(in);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Runtime rt = Runtime.getRuntime();
                System.out.printf("BigInboundReceive: %,d bytes -> %s in %.1f s (max heap %d MB)%n", size,
                        result, seconds, rt.maxMemory() >> 20);
                System.exit(result.outcome() == InboundResult.Outcome.STORED ? 0 : 4);
            }
        } finally {
            BenchStores.deleteTree(dir);
        }
    }

    static void write(Path file, String to) throws Exception {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            String head = "From: Jane Doe <lead1@example.org>\r\nTo: " + to + "\r\n"
                    + "Subject: Re: Your rollout plan\r\nMessage-ID: <big-inbound@example.org>\r\n"
                    + "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                    + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                    + "Thanks, the signed contract is attached.\r\n\r\n> earlier message\r\n"
                    + "--b1\r\nContent-Type: application/pdf; name=\"contract.pdf\"\r\n"
                    + "Content-Disposition: attachment; filename=\"contract.pdf\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            OutputStream b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                    .wrap(new NonClosing(out));
            Random random = new Random(1);
            byte[] chunk = new byte[57 * 1024];
            for (int written = 0; written < ATTACHMENT; written += chunk.length) {
                random.nextBytes(chunk);
                b64.write(chunk, 0, Math.min(chunk.length, ATTACHMENT - written));
            }
            b64.close();
            out.write("\r\n--b1--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Lets the base64 wrapper be closed (to flush its tail) without closing the file. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
