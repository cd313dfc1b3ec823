package org.meridian.core.csource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.query.ClientRegex;

/**
 * Checks a context source registration (clause 5.2.9) and builds the {@link Registration} it describes. The body is
 * kept as sent (so it round-trips: dates, numbers, the members a source adds of its own); the parsed form is what
 * queries and forwarding match on.
 */
public final class RegistrationParser {
    public static final String TYPE = "ContextSourceRegistration";
    /** Most RegistrationInfo blocks, and entities and names in all, a registration may hold. */
    public static final int MAX_ITEMS = 1_000;

    /** Operation groups (clause 4.20) and what they stand for. */
    static final Map<String, Set<String>> GROUPS = Map.of(
            "federationOps", Set.of("retrieveEntity", "queryEntity", "queryBatch", "retrieveTemporal", "queryTemporal",
                    "retrieveEntityTypes", "retrieveEntityTypeDetails", "retrieveEntityTypeInfo", "retrieveAttrTypes",
                    "retrieveAttrTypeDetails", "retrieveAttrTypeInfo", "createSubscription", "updateSubscription",
                    "retrieveSubscription", "querySubscription", "deleteSubscription"),
            "updateOps", Set.of("updateEntity", "updateAttrs", "replaceEntity", "replaceAttrs"),
            "retrieveOps", Set.of("retrieveEntity", "queryEntity"),
            "redirectionOps", Set.of("createEntity", "updateEntity", "appendAttrs", "updateAttrs", "deleteAttrs",
                    "deleteEntity", "mergeEntity", "replaceEntity", "replaceAttrs", "retrieveEntity", "queryEntity",
                    "retrieveEntityTypes", "retrieveEntityTypeDetails", "retrieveEntityTypeInfo", "retrieveAttrTypes",
                    "retrieveAttrTypeDetails", "retrieveAttrTypeInfo"));
    /** Every single operation a registration may name (clause 4.20, table 4.20-1). */
    static final Set<String> OPERATIONS = Set.of("createEntity", "updateEntity", "appendAttrs", "updateAttrs", "deleteAttrs",
            "deleteEntity", "createBatch", "upsertBatch", "updateBatch", "deleteBatch", "upsertTemporal",
            "appendAttrsTemporal", "deleteAttrsTemporal", "updateAttrsTemporal", "deleteAttrInstanceTemporal",
            "deleteTemporal", "mergeEntity", "replaceEntity", "replaceAttrs", "mergeBatch", "retrieveEntity",
            "queryEntity", "queryBatch", "retrieveTemporal", "queryTemporal", "retrieveEntityTypes",
            "retrieveEntityTypeDetails", "retrieveEntityTypeInfo", "retrieveAttrTypes", "retrieveAttrTypeDetails",
            "retrieveAttrTypeInfo", "createSubscription", "updateSubscription", "retrieveSubscription",
            "querySubscription", "deleteSubscription", "retrieveEntityMap", "updateEntityMap", "deleteEntityMap");
    /** Members of the data type itself; every other member is a csource property of the source. */
    static final Set<String> MEMBERS = Set.of("id", "type", "registrationName", "description", "information", "tenant",
            "observationInterval", "managementInterval", "location", "observationSpace", "operationSpace", "expiresAt",
            "endpoint", "contextSourceInfo", "scope", "mode", "operations", "refreshRate", "management", "status",
            "timesSent", "timesFailed", "lastSuccess", "lastFailure", "createdAt", "modifiedAt");

    private RegistrationParser() {
    }

    /** A registration: as it is stored and shown (the body as sent, with its id) and as it is matched. */
    public record Parsed(ObjectNode body, Registration registration) {
    }

    /**
     * @param generatedId the id to give a registration sent without one
     * @param now a new registration's expiresAt must be after it; null when checking a stored one
     */
    public static Parsed parse(JsonNode payload, JsonLdContext context, String generatedId, Instant now) {
        ObjectNode body = EntityParser.requireObject(payload, "A context source registration").deepCopy();
        body.remove("@context");
        // What the broker says of a registration is the broker's to say, not the client's.
        body.remove(List.of("status", "timesSent", "timesFailed", "lastSuccess", "lastFailure", "createdAt", "modifiedAt"));
        String id = body.hasNonNull("id") ? EntityParser.requireUri(text(body.get("id"), "id"), "The registration id") : generatedId;
        body.put("id", id);
        JsonNode type = body.get("type");
        if (type == null || !TYPE.equals(type.asText())) {
            throw MeridianException.badData("A context source registration has the type " + TYPE);
        }
        List<Registration.Info> information = information(body.get("information"), context);
        String endpoint = endpoint(body.get("endpoint"));
        Registration.Mode mode = mode(body.get("mode"));
        Set<String> operations = operations(body.get("operations"));
        Geometry location = geometry(body.get("location"), "location");
        geometry(body.get("observationSpace"), "observationSpace");
        geometry(body.get("operationSpace"), "operationSpace");
        Registration.Interval observation = interval(body.get("observationInterval"), "observationInterval");
        Registration.Interval managementInterval = interval(body.get("managementInterval"), "managementInterval");
        Instant expiresAt = null;
        if (body.hasNonNull("expiresAt")) {
            expiresAt = DateTimes.parse(text(body.get("expiresAt"), "expiresAt"), "expiresAt");
            if (now != null && !expiresAt.isAfter(now)) {
                throw MeridianException.badData("expiresAt must be in the future");
            }
        }
        Registration.Management management = management(body.get("management"));
        Map<String, String> sourceInfo = contextSourceInfo(body.get("contextSourceInfo"));
        for (String member : List.of("registrationName", "description", "tenant")) {
            if (body.hasNonNull(member)) {
                text(body.get(member), member);
            }
        }
        if (mode != Registration.Mode.INCLUSIVE) {
            requireEntitiesNamed(mode, information);
        }
        return new Parsed(body, new Registration(id, information, endpoint, mode, operations, location, observation,
                managementInterval, expiresAt, properties(body, context), body.hasNonNull("tenant") ? body.get("tenant").asText() : null,
                management, sourceInfo, body.hasNonNull("registrationName") ? body.get("registrationName").asText() : null));
    }

    private static String text(JsonNode node, String what) {
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw MeridianException.badData(what + " must be a non-empty string");
        }
        return node.asText();
    }

    private static List<JsonNode> array(JsonNode node, String what, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw MeridianException.badData(what + " is required: a non-empty array");
            }
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw MeridianException.badData(what + " must be a non-empty array");
        }
        if (node.size() > MAX_ITEMS) {
            throw MeridianException.badData(what + " may hold at most " + MAX_ITEMS + " elements");
        }
        List<JsonNode> elements = new ArrayList<>();
        node.forEach(elements::add);
        return elements;
    }

    private static List<Registration.Info> information(JsonNode node, JsonLdContext context) {
        List<Registration.Info> information = new ArrayList<>();
        int items = 0;
        for (JsonNode element : array(node, "information", true)) {
            items += element.path("entities").size() + element.path("propertyNames").size() + element.path("relationshipNames").size();
            if (items > MAX_ITEMS) {
                throw MeridianException.badData("A registration may name at most " + MAX_ITEMS + " entities and attributes in all");
            }
            ObjectNode info = EntityParser.requireObject(element, "A RegistrationInfo");
            List<Registration.EntityInfo> entities = new ArrayList<>();
            for (JsonNode entity : array(info.get("entities"), "information.entities", false)) {
                entities.add(entityInfo(entity, context));
            }
            Set<String> properties = names(info.get("propertyNames"), "information.propertyNames", context);
            Set<String> relationships = names(info.get("relationshipNames"), "information.relationshipNames", context);
            if (entities.isEmpty() && properties.isEmpty() && relationships.isEmpty()) {
                throw MeridianException.badData("A RegistrationInfo names entities, propertyNames or relationshipNames");
            }
            information.add(new Registration.Info(entities, properties, relationships));
        }
        return information;
    }

    private static Registration.EntityInfo entityInfo(JsonNode node, JsonLdContext context) {
        ObjectNode entity = EntityParser.requireObject(node, "An EntityInfo");
        String type = text(entity.get("type"), "information.entities.type");
        EntityParser.checkName(type, "entity type");
        String id = entity.hasNonNull("id") ? EntityParser.requireUri(text(entity.get("id"), "information.entities.id"), "An EntityInfo id") : null;
        String idPattern = entity.hasNonNull("idPattern") ? text(entity.get("idPattern"), "information.entities.idPattern") : null;
        if (id != null && idPattern != null) {
            throw MeridianException.badData("An EntityInfo has an id or an idPattern, not both");
        }
        com.google.re2j.Pattern pattern = idPattern == null ? null : ClientRegex.compile(idPattern, "information.entities.idPattern");
        return new Registration.EntityInfo(context.expandTerm(type), id, idPattern, pattern);
    }

    private static Set<String> names(JsonNode node, String what, JsonLdContext context) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode name : array(node, what, false)) {
            String text = text(name, what);
            EntityParser.checkName(text, "attribute name");
            names.add(context.expandTerm(text));
        }
        return names;
    }

    private static String endpoint(JsonNode node) {
        String text = text(node, "endpoint");
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw MeridianException.badData("endpoint must be an http or https URL, not '" + text + "'");
            }
        } catch (URISyntaxException e) {
            throw MeridianException.badData("endpoint is not a URL: " + e.getMessage());
        }
        return text;
    }

    private static Registration.Mode mode(JsonNode node) {
        if (node == null || node.isNull()) {
            return Registration.Mode.INCLUSIVE;
        }
        for (Registration.Mode mode : Registration.Mode.values()) {
            if (mode.text().equals(node.asText()) && node.isTextual()) {
                return mode;
            }
        }
        throw MeridianException.badData("mode must be inclusive, exclusive, redirect or auxiliary");
    }

    private static Set<String> operations(JsonNode node) {
        if (node == null || node.isNull()) {
            return GROUPS.get("federationOps");
        }
        Set<String> operations = new LinkedHashSet<>();
        for (JsonNode operation : array(node, "operations", false)) {
            String name = text(operation, "operations");
            if (GROUPS.containsKey(name)) {
                operations.addAll(GROUPS.get(name));
            } else if (OPERATIONS.contains(name)) {
                operations.add(name);
            } else {
                throw MeridianException.badData("Unknown operation '" + name + "' (clause 4.20: an operation or one of "
                        + GROUPS.keySet() + ")");
            }
        }
        return operations;
    }

    private static Geometry geometry(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw MeridianException.badData(what + " must be a GeoJSON geometry");
        }
        return GeoJson.parse(node);
    }

    private static Registration.Interval interval(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return null;
        }
        ObjectNode interval = EntityParser.requireObject(node, what);
        Instant start = DateTimes.parse(text(interval.get("startAt"), what + ".startAt"), what + ".startAt");
        Instant end = interval.hasNonNull("endAt") ? DateTimes.parse(text(interval.get("endAt"), what + ".endAt"), what + ".endAt") : null;
        if (end != null && end.isBefore(start)) {
            throw MeridianException.badData(what + ".endAt is before its startAt");
        }
        return new Registration.Interval(start, end);
    }

    private static Registration.Management management(JsonNode node) {
        if (node == null || node.isNull()) {
            return Registration.Management.DEFAULT;
        }
        ObjectNode management = EntityParser.requireObject(node, "management");
        if (management.has("localOnly") && !management.get("localOnly").isBoolean()) {
            throw MeridianException.badData("management.localOnly must be true or false");
        }
        for (String member : List.of("timeout", "cooldown", "cacheDuration")) {
            if (management.has(member) && !(management.get(member).canConvertToLong() && management.get(member).asLong() > 0)) {
                throw MeridianException.badData("management." + member + " must be a positive number");
            }
        }
        return new Registration.Management(management.path("timeout").asLong(0), management.path("cooldown").asLong(0),
                management.path("localOnly").asBoolean(false));
    }

    private static Map<String, String> contextSourceInfo(JsonNode node) {
        Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (JsonNode pair : array(node, "contextSourceInfo", false)) {
            ObjectNode keyValue = EntityParser.requireObject(pair, "A contextSourceInfo element");
            pairs.put(text(keyValue.get("key"), "contextSourceInfo.key"), text(keyValue.get("value"), "contextSourceInfo.value"));
        }
        return pairs;
    }

    /**
     * Exclusive and redirect registrations take over requests for what they name, so they must name it precisely:
     * entities and attributes (clause 4.3.6.3).
     */
    private static void requireEntitiesNamed(Registration.Mode mode, List<Registration.Info> information) {
        for (Registration.Info info : information) {
            if (info.entities().isEmpty() && mode == Registration.Mode.EXCLUSIVE) {
                throw MeridianException.badData("An exclusive registration names the entities it holds");
            }
        }
    }

    /** The csource properties, laid out as a stored entity's attributes (one Property instance each). */
    private static ObjectNode properties(ObjectNode body, JsonLdContext context) {
        ObjectNode properties = JsonNodeFactory.instance.objectNode();
        body.properties().forEach(member -> {
            if (!MEMBERS.contains(member.getKey())) {
                JsonNode value = member.getValue();
                ObjectNode instance = properties.putArray(context.expandTerm(member.getKey())).addObject().put("type", "Property");
                instance.set("value", value.isObject() && value.has("value") ? value.get("value") : value);
            }
        });
        return properties;
    }
}
