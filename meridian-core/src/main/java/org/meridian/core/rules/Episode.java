package org.meridian.core.rules;

import java.time.Instant;
import java.util.List;

/**
 * One occurrence of a rule's situation for one key, from the moment its conditions all held until they no longer do
 * (or someone clears it): one case, one alert, however many readings keep confirming it.
 *
 * @param falseSince since when (event time) the conditions no longer hold, while the episode waits to clear
 */
public record Episode(String id, String key, Instant openedAt, Instant acknowledgedAt, Instant escalatedAt, Instant falseSince,
                      List<Evidence> evidence) {
    public Episode {
        evidence = List.copyOf(evidence);
    }

    Episode acknowledged(Instant at) {
        return new Episode(id, key, openedAt, at, escalatedAt, falseSince, evidence);
    }

    Episode escalated(Instant at) {
        return new Episode(id, key, openedAt, acknowledgedAt, at, falseSince, evidence);
    }

    Episode falseSince(Instant at) {
        return new Episode(id, key, openedAt, acknowledgedAt, escalatedAt, at, evidence);
    }
}
