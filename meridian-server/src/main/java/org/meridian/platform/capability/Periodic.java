package org.meridian.platform.capability;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A capability's background task, run on a thread of its own at a fixed delay: a failed run is logged and the next one
 * tries again; closing lets a run in progress finish (up to ten seconds).
 */
public final class Periodic implements AutoCloseable {
    private final ScheduledExecutorService executor;

    private Periodic(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Runs {@code task} every {@code delay} (the first time after one delay) on a daemon thread named {@code thread};
     * a zero delay never runs it.
     *
     * @param what what the task does, for the log line of a failed run
     */
    public static Periodic every(Duration delay, String thread, String what, Logger log, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                runnable -> Thread.ofPlatform().name(thread).daemon().unstarted(runnable));
        if (!delay.isZero()) {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("{} failed now (tried again in {} s): {}", what, delay.toSeconds(), e.toString());
                }
            }, delay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return new Periodic(executor);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
