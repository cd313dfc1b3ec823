package org.meridian.core.rules;

import java.time.Instant;

/**
 * A reading (or a figure computed from readings) that made a condition hold: the start of the trace of an episode.
 *
 * An entity, attribute and moment name one reading: its entity's temporal history holds it.
 *
 * @param what the attribute, an aggregate over it ("average(pm25) over PT1H"), or "silence"
 */
public record Evidence(String entity, String what, Instant at, String value) {
}
