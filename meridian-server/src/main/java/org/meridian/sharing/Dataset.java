package org.meridian.sharing;

import java.util.Set;

/** A dataset as stored. */
public record Dataset(String tenant, String entityType, String owner, String title, String description,
                      String updateFrequency, boolean published, Set<String> openDrop, Integer openGridMeters) {
}
