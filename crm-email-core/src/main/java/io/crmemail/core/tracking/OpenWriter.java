package io.crmemail.core.tracking;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.OpenHit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pixel hits to the store: queued and in batches on background threads, or synchronously (see
 * {@link OpenRecording}). Each writer thread has its own lane (queue); a hit goes to the lane of its token, so
 * one message's hits are written in order by one thread. A lane's thread starts with its first hit, so a
 * service that never sees one has none. After {@link #close} hits are written synchronously.
 */
final class OpenWriter {

    private static final Logger log = LoggerFactory.getLogger(OpenWriter.class);
    /** Wakes an idle writer at close; never written. */
    private static final OpenHit STOP = new OpenHit("", Instant.EPOCH, null, null, false);
    /** Fallback wake-up of an idle writer, in case the stop marker did not fit into a full queue. */
    private static final long IDLE_POLL_MILLIS = 500;
    private static final long DROP_LOG_EVERY = 10_000;

    private final EmailStore store;
    private final OpenRecording recording;
    private final Lane[] lanes;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Object progress = new Object();
    private volatile boolean closed;

    OpenWriter(EmailStore store, OpenRecording recording) {
        this.store = store;
        this.recording = recording;
        int count = recording.isSynchronous() ? 0 : recording.writers();
        this.lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            // The capacity is split evenly; the first lanes take the remainder.
            int capacity = recording.queueCapacity() / count + (i < recording.queueCapacity() % count ? 1 : 0);
            lanes[i] = new Lane(i, capacity);
        }
    }

    /** Records the hit now or later; never blocks on the store when queued, never throws. */
    void submit(OpenHit hit) {
        if (lanes.length == 0 || closed) {
            write(List.of(hit));
            return;
        }
        lanes[Math.floorMod(hit.token().hashCode(), lanes.length)].offer(hit);
    }

    /** Waits until the hits queued before this call are written (or failed); false when {@code max} ran out. */
    boolean flush(Duration max) {
        long target = queued.get();
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (progress) {
            while (processed.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    TrackingCounts counts() {
        long q = queued.get();
        return new TrackingCounts(q, Math.max(0, q - processed.get()), written.get(), dropped.get(), failed.get());
    }

    /** Writes what is queued (waiting up to {@code max} in all) and stops the threads; later hits are written at once. */
    void close(Duration max) {
        closed = true;
        long deadline = System.nanoTime() + max.toNanos();
        for (Lane lane : lanes) {
            lane.stop();
        }
        for (Lane lane : lanes) {
            lane.await(deadline);
        }
    }

    private void write(List<OpenHit> hits) {
        try {
            store.recordOpens(hits);
            written.addAndGet(hits.size());
        } catch (RuntimeException e) {
            // A pixel's answer never depended on this write; the loss is counted and ours to see.
            failed.addAndGet(hits.size());
            log.warn("recording {} open(s) failed", hits.size(), e);
        }
    }

    /** One queue and the thread that drains it. */
    private final class Lane {
        private final int index;
        private final BlockingQueue<OpenHit> queue;
        private volatile Thread thread;

        Lane(int index, int capacity) {
            this.index = index;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        void offer(OpenHit hit) {
            Thread t = thread;
            if (t == null || !t.isAlive()) {
                startOnce();
            }
            // Counted before it can be written, so that flush() never sees it written but not queued.
            queued.incrementAndGet();
            if (!queue.offer(hit)) {
                queued.decrementAndGet();
                long n = dropped.incrementAndGet();
                if (n == 1 || n % DROP_LOG_EVERY == 0) {
                    log.warn("pixel hit queue full ({} hits): {} open(s) dropped so far", recording.queueCapacity(), n);
                }
                return;
            }
            if (closed) {
                // Close may have let the writer finish just before this hit went in: write what is left here.
                drainHere();
            }
        }

        /** Starts the writer, or a new one when the last died (an Error it could not survive). */
        private synchronized void startOnce() {
            if (thread != null && thread.isAlive() || closed) {
                return;
            }
            Thread t = new Thread(this::run, "crm-email-open-writer-" + index);
            t.setDaemon(true);
            thread = t;
            t.start();
        }

        synchronized void stop() {
            if (thread != null) {
                queue.offer(STOP);
            }
        }

        void await(long deadline) {
            Thread t;
            synchronized (this) {
                t = thread;
            }
            if (t == null) {
                return;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("pixel hit writer {} still busy at close; {} hit(s) not yet written", index,
                        counts().opensPending());
            } else {
                drainHere();
            }
        }

        private void run() {
            List<OpenHit> batch = new ArrayList<>(recording.batchSize());
            while (true) {
                OpenHit first;
                try {
                    first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                    continue; // only close stops a writer: its queue would fill and drop every later hit
                }
                if (first == null || first == STOP) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, recording.batchSize() - 1);
                writeQueued(batch);
                batch.clear();
            }
        }

        private void drainHere() {
            List<OpenHit> rest = new ArrayList<>();
            queue.drainTo(rest);
            for (int from = 0; from < rest.size(); from += recording.batchSize()) {
                writeQueued(new ArrayList<>(rest.subList(from, Math.min(rest.size(), from + recording.batchSize()))));
            }
        }

        /** Writes hits taken from the queue, leaving out a stop marker among them, and tells waiting flushes. */
        private void writeQueued(List<OpenHit> batch) {
            batch.removeIf(h -> h == STOP);
            if (!batch.isEmpty()) {
                write(batch);
            }
            processed.addAndGet(batch.size());
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }
}
