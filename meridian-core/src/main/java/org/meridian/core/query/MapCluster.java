package org.meridian.core.query;

/** Entities near each other on a map, counted: one grid cell's entities and their mean position. */
public record MapCluster(double longitude, double latitude, long count) {
}
