package org.meridian.core.ingest;

import java.time.Instant;

/** A device as stored, with its password hash and its counters. */
public record StoredDevice(Device device, String passwordHash, Instant createdAt, Instant modifiedAt, DeviceCounters counters) {
}
