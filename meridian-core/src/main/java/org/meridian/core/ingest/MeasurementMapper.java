package org.meridian.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.ngsild.EntityParser;

/**
 * Turns a device's JSON measurement into NGSI-LD attribute instances (the role of a FIWARE IoT Agent for JSON).
 * Every key is checked before anything is produced: a measurement is taken whole or rejected whole.
 */
public final class MeasurementMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Keys that carry the observation time rather than a measurement. */
    public static final Set<String> TIME_KEYS = Set.of("TimeInstant", "observedAt");
    public static final int MAX_KEYS = 100;

    private MeasurementMapper() {
    }

    /**
     * @param attributes expanded attribute name to an array of one instance
     * @param observedAt the time the payload gave, or the time of receipt
     */
    public record Mapped(ObjectNode attributes, Instant observedAt) {
    }

    /** A payload of several measurements: {@code {"t": 21.5, "h": 40}}. */
    public static Mapped map(ServiceGroup group, Device device, JsonNode payload, Instant receivedAt, JsonLdContext context) {
        if (payload == null || !payload.isObject()) {
            throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, "A measurement must be a JSON object of key: value");
        }
        if (payload.size() > MAX_KEYS) {
            throw new MeasurementRejected(MeasurementRejected.Reason.TOO_LARGE, "A measurement has at most " + MAX_KEYS + " keys");
        }
        Instant observedAt = receivedAt;
        for (String key : TIME_KEYS) {
            if (payload.has(key)) {
                observedAt = time(payload.get(key), key);
            }
        }
        ObjectNode attributes = NODES.objectNode();
        for (Map.Entry<String, JsonNode> member : payload.properties()) {
            if (!TIME_KEYS.contains(member.getKey())) {
                put(attributes, group, device, member.getKey(), member.getValue(), observedAt, receivedAt, context);
            }
        }
        if (attributes.isEmpty()) {
            throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, "The measurement has no values");
        }
        return new Mapped(attributes, observedAt);
    }

    /** A single measurement published on {@code .../attrs/{key}}: the payload is the value itself. */
    public static Mapped mapSingle(ServiceGroup group, Device device, String key, JsonNode value, Instant receivedAt,
                                   JsonLdContext context) {
        if (value == null) {
            throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, "The value of '" + key + "' is not JSON");
        }
        ObjectNode attributes = NODES.objectNode();
        put(attributes, group, device, key, value, receivedAt, receivedAt, context);
        return new Mapped(attributes, receivedAt);
    }

    private static void put(ObjectNode attributes, ServiceGroup group, Device device, String key, JsonNode value,
                            Instant observedAt, Instant now, JsonLdContext context) {
        AttributeMapping mapping = mapping(group, device, key);
        if (mapping == null) {
            boolean explicit = device.explicitAttributes() != null ? device.explicitAttributes() : group.explicitAttributes();
            if (explicit) {
                throw new MeasurementRejected(MeasurementRejected.Reason.UNKNOWN_KEY, "The device has no attribute for key '" + key + "'");
            }
            if (org.meridian.core.ngsild.NgsiLd.ENTITY_MEMBERS.contains(key)) {
                throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, "'" + key + "' names a member of every entity,"
                        + " not an attribute; map it to another name");
            }
            try {
                EntityParser.checkName(key, "measurement key");
            } catch (MeridianException e) {
                throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, e.detail());
            }
            mapping = new AttributeMapping(key, context.expandTerm(key), null, null);
        }
        if (value.isNull()) {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + key + "' is null");
        }
        ObjectNode instance = instance(mapping, value);
        instance.put("observedAt", org.meridian.core.ngsild.DateTimes.formatUtc(observedAt));
        if (mapping.unitCode() != null) {
            instance.put("unitCode", mapping.unitCode());
        }
        String time = org.meridian.core.ngsild.DateTimes.formatUtc(now);
        instance.put("createdAt", time);
        instance.put("modifiedAt", time);
        if (attributes.has(mapping.attribute())) {
            throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, "Two keys of the measurement map to one attribute ("
                    + key + ")");
        }
        ArrayNode instances = attributes.putArray(mapping.attribute());
        instances.add(instance);
    }

    private static AttributeMapping mapping(ServiceGroup group, Device device, String key) {
        for (AttributeMapping mapping : device.attributes()) {
            if (mapping.key().equals(key)) {
                return mapping;
            }
        }
        for (AttributeMapping mapping : group.attributes()) {
            if (mapping.key().equals(key)) {
                return mapping;
            }
        }
        return null;
    }

    private static ObjectNode instance(AttributeMapping mapping, JsonNode value) {
        ObjectNode instance = NODES.objectNode();
        ValueType type = mapping.type();
        if (type == null) {
            // Unmapped keys pass through as Properties of whatever JSON they carry.
            return instance.put("type", "Property").set("value", value);
        }
        switch (type) {
            case NUMBER -> require(value.isNumber(), mapping, value);
            case INTEGER -> require(value.isIntegralNumber(), mapping, value);
            case TEXT -> require(value.isTextual(), mapping, value);
            case BOOLEAN -> require(value.isBoolean(), mapping, value);
            case GEO_POINT -> {
                return instance.put("type", "GeoProperty").set("value", point(mapping, value));
            }
            case GEO_JSON -> {
                geometry(mapping, value);
                return instance.put("type", "GeoProperty").set("value", value);
            }
            case JSON -> {
                return instance.put("type", "JsonProperty").set("json", value);
            }
            case RELATIONSHIP -> {
                require(value.isTextual(), mapping, value);
                try {
                    EntityParser.requireUri(value.asText(), "The value of '" + mapping.key() + "'");
                } catch (MeridianException e) {
                    throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, e.detail());
                }
                return instance.put("type", "Relationship").set("object", value);
            }
        }
        return instance.put("type", "Property").set("value", value);
    }

    private static void require(boolean ok, AttributeMapping mapping, JsonNode value) {
        if (!ok) {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + mapping.key() + "' must be "
                    + mapping.type().wireName() + ", not " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** "lat, lon" (the IoT Agent convention), [lon, lat] or a GeoJSON Point. */
    private static JsonNode point(AttributeMapping mapping, JsonNode value) {
        double lon;
        double lat;
        if (value.isTextual()) {
            String[] parts = value.asText().split(",");
            if (parts.length != 2) {
                throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + mapping.key()
                        + "' must be \"lat, lon\"");
            }
            try {
                lat = Double.parseDouble(parts[0].trim());
                lon = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + mapping.key()
                        + "' must be \"lat, lon\" with numbers");
            }
        } else if (value.isArray() && value.size() == 2 && value.get(0).isNumber() && value.get(1).isNumber()) {
            lon = value.get(0).asDouble();
            lat = value.get(1).asDouble();
        } else if (value.isObject() && "Point".equals(value.path("type").asText())) {
            geometry(mapping, value);
            return value;
        } else {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + mapping.key()
                    + "' must be \"lat, lon\", [lon, lat] or a GeoJSON Point");
        }
        if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || Double.isNaN(lat) || Double.isNaN(lon)) {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + mapping.key() + "' is off the globe");
        }
        ObjectNode point = NODES.objectNode().put("type", "Point");
        point.putArray("coordinates").add(lon).add(lat);
        return point;
    }

    private static void geometry(AttributeMapping mapping, JsonNode value) {
        try {
            GeoJson.parse(value);
        } catch (MeridianException e) {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, "The value of '" + mapping.key() + "': " + e.detail());
        }
    }

    private static Instant time(JsonNode value, String key) {
        if (!value.isTextual()) {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, key + " must be an ISO 8601 date-time");
        }
        try {
            return DateTimes.parse(value.asText(), key);
        } catch (MeridianException e) {
            throw new MeasurementRejected(MeasurementRejected.Reason.WRONG_TYPE, e.detail());
        }
    }
}
