package org.meridian.core.ingest;

import java.time.Instant;

/** What a device sent: accepted and rejected measurements, and the last of each. */
public record DeviceCounters(long accepted, long rejected, Instant lastMeasurement, Instant lastRejection,
                       String lastRejectionReason, String lastRejectionDetail) {
}
