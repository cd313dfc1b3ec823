package org.meridian.cases;

/** Within {@code meters} of a point (degrees): for public reports near a place, the nearest first. */
public record Nearby(double latitude, double longitude, double meters) {
}
