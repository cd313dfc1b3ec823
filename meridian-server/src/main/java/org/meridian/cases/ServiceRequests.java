package org.meridian.cases;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.meridian.broker.BatchService;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;

/**
 * Cases as NGSI-LD entities of type {@code ServiceRequest} (FIWARE's Open311 service request model), kept current
 * after each event so that maps, subscriptions and rules see them like any other city data. Only what Open311 makes
 * public goes there: never who reported it.
 */
public final class ServiceRequests {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServiceRequests.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    public static final String TYPE = "ServiceRequest";

    private final BatchService batches;
    private final JsonLdContext context;

    public ServiceRequests(BatchService batches, JsonLdContext context) {
        this.batches = batches;
        this.context = context;
    }

    public static String entityId(String caseId) {
        return "urn:ngsi-ld:" + TYPE + ":" + caseId;
    }

    /**
     * Writes the case's entity as the case is now; whether it was written. The case's log is the truth: a failure here
     * is logged, and the entity is written again by the next event of the case or the case watch.
     */
    public boolean publish(CaseView view) {
        try {
            ArrayNode batch = NODES.arrayNode();
            batch.add(entity(view));
            batches.upsert(Caller.system(view.tenant(), "cases"), batch, context, false);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("case {} of tenant '{}' could not be written as a {} entity now: {}", view.id(), view.tenant(), TYPE, e.toString());
            return false;
        }
    }

    static ObjectNode entity(CaseView view) {
        ObjectNode entity = NODES.objectNode().put("id", entityId(view.id())).put("type", TYPE);
        property(entity, "service_code", view.category());
        property(entity, "description", view.description());
        property(entity, "status", view.state().open() ? "open" : "closed");
        property(entity, "status_notes", view.state().id() + " " + view.state().chinese());
        property(entity, "urgency", view.urgency());
        property(entity, "agency_responsible", view.lead());
        property(entity, "address_string", view.address());
        property(entity, "district", view.district());
        property(entity, "requested_datetime", instant(view.createdAt()));
        property(entity, "updated_datetime", instant(view.updatedAt()));
        property(entity, "expected_datetime", instant(view.deadline()));
        entity.putObject("caseVersion").put("type", "Property").put("value", view.version());
        ObjectNode location = entity.putObject("location").put("type", "GeoProperty").putObject("value").put("type", "Point");
        location.putArray("coordinates").add(view.longitude()).add(view.latitude());
        return entity;
    }

    private static void property(ObjectNode entity, String name, String value) {
        if (value != null) {
            entity.putObject(name).put("type", "Property").put("value", value);
        }
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
