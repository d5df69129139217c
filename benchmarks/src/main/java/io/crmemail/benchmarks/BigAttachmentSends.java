package io.crmemail.benchmarks;

import io.crmemail.core.EmailService;
import io.crmemail.core.SendResult;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.store.EmailStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Child JVM of {@link MemoryCheck}: 10 sends, each with its own 50,000,000-byte attachment, submitted at
 * once from 10 threads and delivered by 10 workers over 10 connections to the SMTP sink at the given
 * port. Exits 0 when all 10 are {@code sent}.
 */
public final class BigAttachmentSends {

    static final int SENDS = 10;
    static final int SIZE = 50_000_000;

    public static void main(String[] argv) throws Exception {
        String storeKind = argv[0];
        int port = Integer.parseInt(argv[1]);
        Path dir = Files.createTempDirectory("crm-email-bench-big");
        try (BenchStores stores = new BenchStores()) {
            EmailStore store = stores.open(storeKind, 16);
            BenchCrm crm = new BenchCrm(store, dir.resolve("attachments"), port, SENDS);
            List<AttachmentRef> refs = new ArrayList<>();
            for (int i = 0; i < SENDS; i++) {
                String path = "1-" + BenchCrm.TABLE + "-big-" + i + ".bin";
                Path source = dir.resolve("source.bin");
                try (OutputStream out = Files.newOutputStream(source)) {
                    writeRandom(out, SIZE, i);
                }
                try (var in = Files.newInputStream(source)) {
                    crm.attachments.write(path, in);
                }
                Files.delete(source);
                refs.add(new AttachmentRef("big-" + i + ".bin", path, "application/octet-stream", SIZE, null));
            }
            CountingTransports counting = new CountingTransports();
            long start = System.nanoTime();
            try (EmailService service = crm.service(counting).workers(SENDS).build().start()) {
                ExecutorService pool = Executors.newFixedThreadPool(SENDS);
                List<Future<SendResult>> results = new ArrayList<>();
                for (int i = 0; i < SENDS; i++) {
                    int n = i;
                    results.add(pool.submit(() -> service.send(BenchCrm.CALLER,
                            io.crmemail.core.SendRequest.builder().record(BenchCrm.TABLE, 1)
                                    .integration(crm.integration.id()).from("Sales", "sales@acme.com")
                                    .to("lead1@example.org").subject("Big " + n).body("<p>See attached.</p>")
                                    .attach(refs.get(n)).build())));
                }
                List<Long> ids = new ArrayList<>();
                for (Future<SendResult> f : results) {
                    ids.add(f.get().id());
                }
                pool.shutdown();
                if (!counting.awaitSent(SENDS, 300_000) || counting.failed.get() > 0) {
                    System.out.println("not delivered: sent " + counting.sent + ", failed " + counting.failed);
                    System.exit(2);
                }
                service.close();
                for (Long id : ids) {
                    EmailStatus status = store.find(id).orElseThrow().status();
                    if (status != EmailStatus.SENT) {
                        System.out.println("message " + id + " is " + status);
                        System.exit(3);
                    }
                }
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("BigAttachmentSends: %d x %,d bytes sent in %.1f s (max heap %d MB, used now %d MB)%n",
                    SENDS, SIZE, (System.nanoTime() - start) / 1e9, rt.maxMemory() >> 20,
                    (rt.totalMemory() - rt.freeMemory()) >> 20);
        } finally {
            BenchStores.deleteTree(dir);
        }
        System.exit(0);
    }

    static void writeRandom(OutputStream out, long size, int seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 16];
        for (long written = 0; written < size; written += chunk.length) {
            random.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
        }
    }
}
