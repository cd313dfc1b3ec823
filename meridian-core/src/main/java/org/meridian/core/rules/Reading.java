package org.meridian.core.rules;

import java.util.List;
import java.util.Map;

/**
 * What a change of an entity tells the kernel: its types, where it is (when known), the group it belongs to for rules
 * keyed by group (the district it lies in, or the entity its relationship names; null when unknown) and the values
 * written, each at its own moment.
 */
public record Reading(String entity, List<String> types, Double longitude, Double latitude, String group,
                      Map<String, Sample> values) {
    public Reading {
        types = List.copyOf(types);
        values = Map.copyOf(values);
    }

    /** When it was observed: the latest of its values' moments. */
    public java.time.Instant at() {
        java.time.Instant latest = null;
        for (Sample sample : values.values()) {
            if (latest == null || sample.at().isAfter(latest)) {
                latest = sample.at();
            }
        }
        return latest;
    }
}
