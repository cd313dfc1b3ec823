package org.meridian.platform.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One committed change on the change stream.
 *
 * @param position where it stands in the stream: the events one transaction wrote share a position, and positions rise
 *                 in the order consumers see them; two events of one key (one entity) are in the order their changes
 *                 happened
 * @param index its place among the events of its position
 * @param stream what changed: {@code entity} now; {@code case} and others as capabilities move in
 * @param key what the order is kept for: the entity id
 * @param kind what happened: {@code created}, {@code updated}, {@code deleted} for entities
 * @param payload what consumers need to act without reading again; may be null
 */
public record Event(long position, int index, String tenant, String stream, String key, String kind, JsonNode payload,
                    Instant recordedAt) {

    /** An event to append, in the transaction of the change it tells of. */
    public record Draft(String tenant, String stream, String key, String kind, JsonNode payload) {
    }
}
