package org.meridian.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityParser;

/**
 * Reads service groups and devices in the shape FIWARE IoT Agents use ({@code apikey}, {@code entity_type},
 * {@code device_id}, {@code object_id}…), with static attributes written as an NGSI-LD fragment.
 */
public final class ProvisioningParser {
    /** API keys and device ids are MQTT topic levels: no '/', '+', '#' or spaces. */
    private static final Pattern API_KEY = Pattern.compile("[A-Za-z0-9_.-]{4,64}");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    public static final int MAX_ATTRIBUTES = 100;
    public static final int MIN_SECRET_LENGTH = 8;

    private ProvisioningParser() {
    }

    /** A parsed service group and its gateway secret (null when the group has no gateway access). */
    public record ParsedGroup(ServiceGroup group, String gatewaySecret) {
    }

    /** A parsed device and its own MQTT password (null: the device signs in with its group's API key). */
    public record ParsedDevice(Device device, String password) {
    }

    public static ParsedGroup serviceGroup(JsonNode body, String tenant, JsonLdContext context, Instant now) {
        ObjectNode object = EntityParser.requireObject(body, "A service group");
        known(object, Set.of("apikey", "entity_type", "attributes", "static_attributes", "explicitAttrs", "gateway_secret",
                "resource", "description"), "service group");
        String apiKey = text(object, "apikey", true);
        if (!API_KEY.matcher(apiKey).matches()) {
            throw MeridianException.badData("apikey must be 4 to 64 letters, digits, '_', '.' or '-'");
        }
        String resource = text(object, "resource", false);
        if (resource != null && !resource.equals("/iot/json")) {
            throw MeridianException.badData("resource must be /iot/json (the only southbound HTTP resource)");
        }
        String entityType = context.expandTerm(requireName(text(object, "entity_type", true), "entity_type"));
        return new ParsedGroup(new ServiceGroup(tenant, apiKey, entityType, attributes(object.get("attributes"), context),
                staticAttributes(object.get("static_attributes"), context, now), bool(object, "explicitAttrs", false)),
                secret(object, "gateway_secret"));
    }

    public static ParsedDevice device(JsonNode body, String tenant, JsonLdContext context, Instant now) {
        ObjectNode object = EntityParser.requireObject(body, "A device");
        known(object, Set.of("device_id", "apikey", "entity_name", "entity_type", "attributes", "static_attributes",
                "explicitAttrs", "password", "protocol", "transport", "description"), "device");
        String deviceId = text(object, "device_id", true);
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw MeridianException.badData("device_id must be 1 to 128 letters, digits, '_', '.', ':' or '-'");
        }
        String apiKey = text(object, "apikey", true);
        String typeName = text(object, "entity_type", false);
        String entityType = typeName == null ? null : context.expandTerm(requireName(typeName, "entity_type"));
        String entityId = text(object, "entity_name", false);
        if (entityId != null) {
            EntityParser.requireUri(entityId, "entity_name");
        }
        Boolean explicit = object.hasNonNull("explicitAttrs") ? bool(object, "explicitAttrs", false) : null;
        return new ParsedDevice(new Device(tenant, deviceId, apiKey, entityId, entityType,
                attributes(object.get("attributes"), context), staticAttributes(object.get("static_attributes"), context, now),
                explicit), secret(object, "password"));
    }

    /** The entity id a device gets when it names none: {@code urn:ngsi-ld:<Type>:<device id>}. */
    public static String defaultEntityId(String compactType, String deviceId) {
        String type = compactType.substring(Math.max(compactType.lastIndexOf('/'), compactType.lastIndexOf('#')) + 1);
        return "urn:ngsi-ld:" + type + ":" + deviceId;
    }

    private static List<AttributeMapping> attributes(JsonNode node, JsonLdContext context) {
        List<AttributeMapping> mappings = new ArrayList<>();
        if (node == null || node.isNull()) {
            return mappings;
        }
        if (!node.isArray() || node.size() > MAX_ATTRIBUTES) {
            throw MeridianException.badData("attributes must be an array of at most " + MAX_ATTRIBUTES
                    + " {object_id, name, type, unitCode}");
        }
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (JsonNode element : node) {
            if (!element.isObject()) {
                throw MeridianException.badData("Each element of attributes must be an object");
            }
            known((ObjectNode) element, Set.of("object_id", "name", "type", "unitCode"), "attribute mapping");
            String name = requireName(text(element, "name", true), "attribute name");
            String key = element.hasNonNull("object_id") ? text(element, "object_id", true) : name;
            String typeName = text(element, "type", true);
            ValueType type = ValueType.fromWireName(typeName).orElseThrow(() -> MeridianException.badData(
                    "Unknown attribute type '" + typeName + "'; expected Number, Integer, Text, Boolean, geo:point, geo:json, Json or Relationship"));
            String unitCode = text(element, "unitCode", false);
            if (MeasurementMapper.TIME_KEYS.contains(key)) {
                throw MeridianException.badData("object_id '" + key + "' is reserved for the observation time");
            }
            if (!keys.add(key) || !names.add(name)) {
                throw MeridianException.badData("The attribute mapping of '" + key + "' (" + name + ") is given twice");
            }
            mappings.add(new AttributeMapping(key, context.expandTerm(name), type, unitCode));
        }
        return mappings;
    }

    private static ObjectNode staticAttributes(JsonNode node, JsonLdContext context, Instant now) {
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        ObjectNode object = EntityParser.requireObject(node, "static_attributes");
        return EntityParser.parseAttributes(object, context, now);
    }

    private static String requireName(String name, String what) {
        EntityParser.checkName(name, what);
        return name;
    }

    private static String secret(ObjectNode object, String member) {
        String secret = text(object, member, false);
        if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
            throw MeridianException.badData(member + " must have at least " + MIN_SECRET_LENGTH + " characters");
        }
        return secret;
    }

    private static void known(ObjectNode object, Set<String> members, String what) {
        for (String name : (Iterable<String>) object::fieldNames) {
            if (!members.contains(name)) {
                throw MeridianException.badData("Unknown member '" + name + "' in a " + what + "; expected " + members);
            }
        }
    }

    private static String text(JsonNode object, String member, boolean required) {
        JsonNode value = object.get(member);
        if (value == null || value.isNull()) {
            if (required) {
                throw MeridianException.badData("The member '" + member + "' is required");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw MeridianException.badData("The member '" + member + "' must be a non-empty string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode object, String member, boolean fallback) {
        JsonNode value = object.get(member);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw MeridianException.badData("The member '" + member + "' must be true or false");
        }
        return value.asBoolean();
    }
}
