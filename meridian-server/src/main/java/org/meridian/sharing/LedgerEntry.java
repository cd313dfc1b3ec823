package org.meridian.sharing;

import java.time.Instant;
import java.util.UUID;

/** A ledger entry as stored. */
public record LedgerEntry(long seq, String tenant, Instant recordedAt, String actor, String kind, UUID grantId, int entityCount,
                    String detail, byte[] previousHash, byte[] hash) {
}
