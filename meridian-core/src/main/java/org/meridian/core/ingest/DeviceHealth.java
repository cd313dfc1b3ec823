package org.meridian.core.ingest;

/**
 * How one entity type's devices are doing: how many there are, how many reported lately, how many never did, and the
 * messages taken and refused from them.
 */
public record DeviceHealth(String entityType, long devices, long reporting, long never, long accepted, long rejected) {
}
