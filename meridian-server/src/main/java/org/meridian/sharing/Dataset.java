package org.meridian.sharing;

import java.util.Set;

/**
 * A dataset as stored.
 *
 * @param openDrop attributes left out of open data
 * @param openGridMeters open data's locations rounded to this grid, or null
 * @param openHourly open data's numeric values as their mean over the last complete hour, never live
 */
public record Dataset(String tenant, String entityType, String owner, String title, String description,
                      String updateFrequency, boolean published, Set<String> openDrop, Integer openGridMeters,
                      boolean openHourly) {
}
