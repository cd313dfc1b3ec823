package org.meridian.sharing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.db.Transactions;

/**
 * Appends read records to the ledger in groups: every reader waits until its entries are committed (the answer is
 * never sent before its ledger entry is stored), but readers arriving together share one transaction and one commit,
 * so the chain's single head is locked once per group rather than once per read (measured in docs/performance.md).
 */
final class LedgerAppender implements AutoCloseable {
    private static final int MAX_GROUP = 500;

    private record Pending(List<Ledger.Record> records, CompletableFuture<Void> done) {
    }

    private final Transactions transactions;
    private final Ledger ledger;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(10_000);
    private final Thread writer;
    private volatile boolean closed;

    LedgerAppender(Transactions transactions, Ledger ledger) {
        this.transactions = transactions;
        this.ledger = ledger;
        this.writer = Thread.ofVirtual().name("meridian-ledger").start(this::run);
    }

    /** Appends the records and returns once they are committed. */
    void append(List<Ledger.Record> records) {
        if (records.isEmpty()) {
            return;
        }
        Pending pending = new Pending(records, new CompletableFuture<>());
        try {
            if (closed || !queue.offer(pending, 5, TimeUnit.SECONDS)) {
                throw new MeridianException(ErrorType.OVERLOADED, "The exchange ledger is busy; send the request again");
            }
            pending.done().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeridianException(ErrorType.INTERNAL_ERROR, "Interrupted while recording the read", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new MeridianException(ErrorType.INTERNAL_ERROR, "The read could not be recorded", e.getCause());
        } catch (TimeoutException e) {
            throw new MeridianException(ErrorType.OVERLOADED, "The exchange ledger did not record the read in time; send it again");
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                List<Ledger.Record> records = new ArrayList<>();
                group.forEach(pending -> records.addAll(pending.records()));
                transactions.inTransaction(connection -> {
                    ledger.append(connection, records);
                    return null;
                });
                group.forEach(pending -> pending.done().complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                group.forEach(pending -> pending.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
