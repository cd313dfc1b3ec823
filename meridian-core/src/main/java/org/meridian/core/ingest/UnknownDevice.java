package org.meridian.core.ingest;

import java.time.Instant;

/** A rejection of a device id nobody provisioned, under a known API key. */
public record UnknownDevice(String apiKey, String deviceId, String reason, long count, Instant lastAt, String detail) {
}
