package org.meridian.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.PlatformError;

/**
 * Group commit for small writes. A single-entity write spends most of its cost on being a transaction of its own:
 * round trips, a commit, a WAL flush, on both sides of the connection. Concurrent small writes with the same key (a
 * tenant and a kind of write) are therefore handed to a few writer threads, which write whatever has queued up
 * together: one transaction, set-based statements, one commit. Nobody waits for a group to fill: an idle writer takes
 * a request at once, and the requests that arrive while it writes form the next group.
 *
 * <p>When a group's write fails, each of its requests is written again on its own, by its caller's thread, so one
 * request's failure (a missing tenant, a deadlock, a fault) is never reported to another. Callers see exactly what
 * they would see had their request been written alone. Writers give up waiting for row locks quickly (a long
 * transaction elsewhere holding an entity must not stall every small write behind it); the callers then wait alone.
 *
 * @param <K> what must be equal for requests to share a transaction
 * @param <R> a request
 * @param <O> the outcome of one request
 */
final class GroupCommit<K, R, O> implements AutoCloseable {
    /**
     * Writes a group in one transaction and returns one outcome per request, in order; throws to fail them all.
     * {@code boundedWaits}: a group writer is asking, and waits for locks only briefly.
     */
    @FunctionalInterface
    interface GroupWrite<K, R, O> {
        List<O> write(K key, List<R> requests, boolean boundedWaits);
    }

    /** The group could not be written: the caller writes its request alone. */
    private static final class WriteAlone extends RuntimeException {
        WriteAlone(Throwable cause) {
            super(cause == null ? null : cause.toString(), cause, false, false);
        }
    }

    private record Pending<K, R, O>(K key, R request, int size, CompletableFuture<O> outcome) {
    }

    private final LinkedBlockingQueue<Pending<K, R, O>> queue = new LinkedBlockingQueue<>();
    private final GroupWrite<K, R, O> write;
    private final ToIntFunction<R> size;
    private final int maxGroupSize;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param writers      how many groups may be written at once
     * @param maxGroupSize the most units (entities) one group may hold; a larger request is written alone
     */
    GroupCommit(String name, int writers, int maxGroupSize, ToIntFunction<R> size, GroupWrite<K, R, O> write) {
        this.write = write;
        this.size = size;
        this.maxGroupSize = maxGroupSize;
        for (int i = 0; i < writers; i++) {
            this.writers.add(Thread.ofVirtual().name(name + "-" + i).start(this::writeGroups));
        }
    }

    /** Writes the request in a group with others, and returns its outcome once the group committed. */
    O submit(K key, R request) {
        if (!running) {
            return alone(key, request);
        }
        Pending<K, R, O> pending = new Pending<>(key, request, size.applyAsInt(request), new CompletableFuture<>());
        queue.add(pending);
        if (!running && queue.remove(pending)) {
            return alone(key, request); // stopping: the writers may be gone
        }
        try {
            return pending.outcome().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WriteAlone) {
                return alone(key, request);
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private O alone(K key, R request) {
        return write.write(key, List.of(request), false).getFirst();
    }

    private void writeGroups() {
        List<Pending<K, R, O>> taken = new ArrayList<>();
        Pending<K, R, O> carried = null;
        while (running || carried != null || !queue.isEmpty()) {
            try {
                Pending<K, R, O> first = carried != null ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                taken.add(first);
                int units = first.size();
                Pending<K, R, O> next;
                while (units < maxGroupSize && (next = queue.poll()) != null) {
                    if (units + next.size() > maxGroupSize) {
                        carried = next; // first of this writer's next group
                        break;
                    }
                    taken.add(next);
                    units += next.size();
                }
                Map<K, List<Pending<K, R, O>>> groups = new LinkedHashMap<>();
                for (Pending<K, R, O> pending : taken) {
                    groups.computeIfAbsent(pending.key(), key -> new ArrayList<>()).add(pending);
                }
                groups.forEach(this::writeGroup);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (carried != null) {
                    carried.outcome().completeExceptionally(new WriteAlone(e));
                }
                return;
            } catch (RuntimeException | Error e) {
                // writeGroup answers what it took; anything escaping is a bug, and must not stop this writer.
                org.slf4j.LoggerFactory.getLogger(GroupCommit.class).error("group writer failed unexpectedly", e);
            } finally {
                // Whatever happened, nobody who was taken waits forever.
                for (Pending<K, R, O> pending : taken) {
                    if (!pending.outcome().isDone()) {
                        pending.outcome().completeExceptionally(new WriteAlone(null));
                    }
                }
                taken.clear();
            }
        }
    }

    private void writeGroup(K key, List<Pending<K, R, O>> group) {
        try {
            List<O> outcomes = write.write(key, group.stream().map(Pending::request).toList(), true);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).outcome().complete(outcomes.get(i));
            }
        } catch (Throwable e) { // an Error too: the callers write alone, and see it themselves if it recurs
            for (Pending<K, R, O> pending : group) {
                pending.outcome().completeExceptionally(new WriteAlone(e));
            }
        }
    }

    /** Writes what is queued, then stops the writers. */
    @Override
    public void close() {
        running = false;
        for (Thread writer : writers) {
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Pending<K, R, O> left;
        while ((left = queue.poll()) != null) {
            left.outcome().completeExceptionally(new MeridianException(PlatformError.STOPPING, "The server is stopping"));
        }
    }

}
