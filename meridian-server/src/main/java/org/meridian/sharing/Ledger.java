package org.meridian.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.meridian.sharing.store.LedgerStore;

/**
 * The exchange ledger: every cross-department read and every sharing decision, appended in one order for the whole
 * platform, each entry carrying the SHA-256 of the one before. Verifying recomputes the chain from the first entry: an
 * edited, deleted, inserted or reordered row breaks it at a place the verification names.
 */
public final class Ledger {
    private static final byte[] GENESIS = new byte[32];

    /** What an entry says, before it has a place in the chain. */
    public record Record(String tenant, String actor, String kind, UUID grantId, int entityCount, String detail) {
    }

    /** The outcome of a verification: intact, or the first entry where the chain breaks and why. */
    public record Verification(boolean intact, long entries, long headSeq, String headHash, Long brokenAt, String problem) {
    }

    private final LedgerStore store;
    private final Clock clock;

    public Ledger(LedgerStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Appends the records in the caller's transaction (which then holds the chain's head until it commits). */
    public void append(Connection connection, List<Record> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        LedgerStore.Head head = store.lockHead(connection);
        long seq = head.seq();
        byte[] previous = head.hash();
        // Stored with microseconds, as PostgreSQL keeps them: the hash is over what is stored.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<LedgerEntry> entries = new ArrayList<>(records.size());
        for (Record record : records) {
            seq++;
            byte[] hash = hash(seq, record.tenant(), now, record.actor(), record.kind(), record.grantId(), record.entityCount(),
                    record.detail(), previous);
            entries.add(new LedgerEntry(seq, record.tenant(), now, record.actor(), record.kind(), record.grantId(), record.entityCount(),
                    record.detail(), previous, hash));
            previous = hash;
        }
        store.append(connection, entries);
    }

    /** Recomputes the whole chain over a connection of one's own (the {@code meridian ledger verify} command). */
    public static Verification verify(Connection connection) throws SQLException {
        return verify(connection, new LedgerStore());
    }

    /**
     * Recomputes the whole chain, in one snapshot (the entries and the head as of one moment: an entry appended while
     * the chain is read is in neither). The connection must not be in a transaction.
     */
    static Verification verify(Connection connection, LedgerStore store) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        int isolation = connection.getTransactionIsolation();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return verifyInSnapshot(connection, store);
        } finally {
            connection.rollback();
            connection.setTransactionIsolation(isolation);
            connection.setAutoCommit(autoCommit);
        }
    }

    private static Verification verifyInSnapshot(Connection connection, LedgerStore store) throws SQLException {
        long[] expected = {1};
        byte[][] previous = {GENESIS};
        Verification[] broken = {null};
        long[] count = {0};
        store.scan(connection, entry -> {
            count[0]++;
            if (broken[0] != null) {
                return;
            }
            if (entry.seq() != expected[0]) {
                broken[0] = failure(count[0], entry.seq() > expected[0] ? expected[0] : entry.seq(),
                        "entry " + expected[0] + " is missing (the next is " + entry.seq() + ")");
            } else if (!Arrays.equals(entry.previousHash(), previous[0])) {
                broken[0] = failure(count[0], entry.seq(), "entry " + entry.seq() + " does not follow the entry before it "
                        + "(its previous hash differs: an entry before it was changed, removed or moved)");
            } else if (!Arrays.equals(entry.hash(), hash(entry.seq(), entry.tenant(), entry.recordedAt(), entry.actor(), entry.kind(),
                    entry.grantId(), entry.entityCount(), entry.detail(), entry.previousHash()))) {
                broken[0] = failure(count[0], entry.seq(), "entry " + entry.seq() + " was changed after it was written");
            }
            previous[0] = entry.hash();
            expected[0] = entry.seq() + 1;
        });
        LedgerStore.Head head = store.head(connection);
        String headHash = HexFormat.of().formatHex(head.hash());
        if (broken[0] != null) {
            return new Verification(false, count[0], head.seq(), headHash, broken[0].brokenAt(), broken[0].problem());
        }
        if (head.seq() != expected[0] - 1 || !Arrays.equals(head.hash(), previous[0])) {
            return new Verification(false, count[0], head.seq(), headHash, expected[0],
                    "the ledger ends at entry " + (expected[0] - 1) + " but its head names entry " + head.seq()
                            + ": entries were cut off the end");
        }
        return new Verification(true, count[0], head.seq(), headHash, null, null);
    }

    private static Verification failure(long count, long at, String problem) {
        return new Verification(false, count, 0, null, at, problem);
    }

    static byte[] hash(long seq, String tenant, Instant recordedAt, String actor, String kind, UUID grantId, int entityCount,
                       String detail, byte[] previous) {
        String canonical = String.join("\n", Long.toString(seq), tenant, recordedAt.toString(), actor, kind,
                grantId == null ? "" : grantId.toString(), Integer.toString(entityCount), detail, HexFormat.of().formatHex(previous));
        try {
            return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
