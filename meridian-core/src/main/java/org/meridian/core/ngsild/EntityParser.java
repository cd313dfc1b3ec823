package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.jsonld.JsonLdContext;

/**
 * Turns NGSI-LD payloads (normalized or concise) into Meridian's internal form, checking every member on the way.
 * Nothing is half-parsed: the first problem throws {@code BadRequestData} and the caller stores nothing.
 */
public final class EntityParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\"{}|\\\\^`]+");
    private static final Pattern SCOPE = Pattern.compile("/[^/#+\\s]+(/[^/#+\\s]+)*");
    /** Characters no name may hold: those NGSI-LD forbids, and those a URI cannot carry ({ } | ^ `). */
    private static final Pattern FORBIDDEN_NAME_CHARACTERS = Pattern.compile("[\\s<>\"'=;()\\[\\]\\\\{}|^`]");
    public static final int MAX_ID_LENGTH = 1024;
    public static final int MAX_NAME_LENGTH = 512;

    private EntityParser() {
    }

    /** Parses a whole entity; id and type are required. */
    public static Entity parseEntity(JsonNode payload, JsonLdContext context, Instant now) {
        ObjectNode object = requireObject(payload, "An entity");
        String id = entityId(object);
        List<String> types = types(object, context, true);
        // A whole entity has nothing to delete: an attribute whose value is the null marker is simply not there.
        ObjectNode attributes = EntityMutations.withoutNullInstances(parseAttributes(object, context, now.toString()));
        return new Entity(id, types, scopes(object), attributes, now, now);
    }

    /** Parses a temporal representation of an entity (clause 5.6.11): attributes hold instances of their history. */
    public static Entity parseTemporalEntity(JsonNode payload, JsonLdContext context, Instant now) {
        ObjectNode object = requireObject(payload, "A temporal entity");
        String id = entityId(object);
        List<String> types = types(object, context, true);
        return new Entity(id, types, scopes(object),
                EntityMutations.withoutNullInstances(parseTemporalAttributes(object, context, now)), now, now);
    }

    /** Parses an entity fragment for merge and update operations: id and type are optional there. */
    public static Fragment parseFragment(JsonNode payload, JsonLdContext context, Instant now) {
        ObjectNode object = requireObject(payload, "An entity fragment");
        List<String> types = types(object, context, false);
        List<String> scopes = object.has("scope") ? scopes(object) : null;
        return new Fragment(types, scopes, parseAttributes(object, context, now.toString()));
    }

    /** A partial entity: null types or scopes mean "not given". */
    public record Fragment(List<String> types, List<String> scopes, ObjectNode attributes) {
    }

    public static ObjectNode requireObject(JsonNode payload, String what) {
        if (payload == null || !payload.isObject()) {
            throw MeridianException.badData(what + " must be a JSON object");
        }
        return (ObjectNode) payload;
    }

    public static String entityId(ObjectNode object) {
        JsonNode id = object.has("id") ? object.get("id") : object.get("@id");
        if (id == null || !id.isTextual()) {
            throw MeridianException.badData("An entity needs an id, a URI string");
        }
        return requireUri(id.asText(), "The entity id");
    }

    public static String requireUri(String value, String what) {
        if (value.length() > MAX_ID_LENGTH) {
            throw MeridianException.badData(what + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (!URI.matcher(value).matches()) {
            throw MeridianException.badData(what + " '" + value + "' is not a URI");
        }
        return value;
    }

    private static List<String> types(ObjectNode object, JsonLdContext context, boolean required) {
        JsonNode type = object.has("type") ? object.get("type") : object.get("@type");
        if (type == null) {
            if (required) {
                throw MeridianException.badData("An entity needs a type");
            }
            return null;
        }
        List<String> names = new ArrayList<>();
        if (type.isTextual()) {
            names.add(type.asText());
        } else if (type.isArray() && !type.isEmpty()) {
            type.forEach(element -> {
                if (!element.isTextual()) {
                    throw MeridianException.badData("Entity types must be strings");
                }
                names.add(element.asText());
            });
        } else {
            throw MeridianException.badData("An entity type must be a string or a non-empty array of strings");
        }
        List<String> expanded = new ArrayList<>(names.size());
        for (String name : names) {
            checkName(name, "entity type");
            String iri = context.expandTerm(name);
            if (iri.startsWith("@")) {
                // "type" (or any term the context maps to a keyword) is not a type of things.
                throw MeridianException.badData("The entity type '" + name + "' names the JSON-LD keyword " + iri);
            }
            if (!expanded.contains(iri)) {
                expanded.add(iri);
            }
        }
        return expanded;
    }

    private static List<String> scopes(ObjectNode object) {
        JsonNode scope = object.get("scope");
        if (scope == null || scope.isNull()) {
            return List.of();
        }
        List<String> scopes = new ArrayList<>();
        if (scope.isTextual()) {
            scopes.add(checkScope(scope.asText()));
        } else if (scope.isArray()) {
            scope.forEach(element -> scopes.add(checkScope(element.asText(""))));
        } else {
            throw MeridianException.badData("scope must be a string or an array of strings");
        }
        return scopes;
    }

    private static String checkScope(String scope) {
        if (!SCOPE.matcher(scope).matches()) {
            throw MeridianException.badData("The scope '" + scope + "' is not a path such as /City/District");
        }
        return scope;
    }

    /** Parses every attribute member of an object (members that are not entity keywords). */
    public static ObjectNode parseAttributes(ObjectNode object, JsonLdContext context, Instant now) {
        return parseAttributes(object, context, now.toString());
    }

    /** The timestamp travels as text: formatting an Instant per attribute instance was a measurable cost. */
    private static ObjectNode parseAttributes(ObjectNode object, JsonLdContext context, String now) {
        return parseAttributeMembers(object, context, (name, iri, value) -> parseAttribute(name, iri, value, context, now));
    }

    /** How one attribute member's value becomes its array of instances. */
    @FunctionalInterface
    private interface AttributeValueParser {
        ArrayNode parse(String name, String iri, JsonNode value);
    }

    /** Every attribute member of an object (not an entity keyword), checked, expanded and parsed once per IRI. */
    private static ObjectNode parseAttributeMembers(ObjectNode object, JsonLdContext context, AttributeValueParser parser) {
        ObjectNode attributes = NODES.objectNode();
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            String name = member.getKey();
            if (NgsiLd.ENTITY_MEMBERS.contains(name)) {
                continue;
            }
            checkName(name, "attribute name");
            String iri = context.expandTerm(name);
            if (attributes.has(iri)) {
                throw MeridianException.badData("The attribute '" + name + "' is given twice (as different names for one IRI)");
            }
            attributes.set(iri, parser.parse(name, iri, member.getValue()));
        }
        return attributes;
    }

    /**
     * Parses the attributes of a temporal representation (clause 4.5.7): each attribute is an instance or an array of
     * instances of its history, several of which may share a datasetId.
     */
    public static ObjectNode parseTemporalAttributes(ObjectNode object, JsonLdContext context, Instant now) {
        String time = now.toString();
        return parseAttributeMembers(object, context, (name, iri, value) -> {
            ArrayNode instances = NODES.arrayNode();
            if (value.isArray()) {
                if (value.isEmpty()) {
                    throw MeridianException.badData("The attribute '" + name + "' has no instances");
                }
                for (JsonNode element : value) {
                    if (!element.isObject()) {
                        throw MeridianException.badData("Each instance of '" + name + "' in a temporal representation must be an object");
                    }
                    instances.add(parseInstance(name, iri, element, context, time));
                }
            } else {
                instances.add(parseInstance(name, iri, value, context, time));
            }
            return instances;
        });
    }

    /** One instance of a temporal representation; an instanceId the client sends is ignored (the server assigns it). */
    public static ObjectNode parseTemporalInstance(String name, String iri, JsonNode value, JsonLdContext context, Instant now) {
        return parseInstance(name, iri, value, context, now.toString());
    }

    /** Parses one attribute's value (an instance or an array of instances) into an array of instances. */
    public static ArrayNode parseAttribute(String name, String iri, JsonNode value, JsonLdContext context, Instant now) {
        return parseAttribute(name, iri, value, context, now.toString());
    }

    private static ArrayNode parseAttribute(String name, String iri, JsonNode value, JsonLdContext context, String now) {
        ArrayNode instances = NODES.arrayNode();
        if (value.isArray() && isInstanceArray(value)) {
            Set<String> datasetIds = new HashSet<>();
            for (JsonNode element : value) {
                ObjectNode instance = parseInstance(name, iri, element, context, now);
                if (!datasetIds.add(instance.path("datasetId").asText(""))) {
                    throw MeridianException.badData("The attribute '" + name + "' has two instances with the same datasetId");
                }
                instances.add(instance);
            }
        } else {
            instances.add(parseInstance(name, iri, value, context, now));
        }
        return instances;
    }

    private static boolean isInstanceArray(JsonNode array) {
        if (array.isEmpty()) {
            return false;
        }
        for (JsonNode element : array) {
            if (!element.isObject() || !(element.has("type") || element.has("value") || element.has("object")
                    || element.has("languageMap") || element.has("vocab") || element.has("json")
                    || element.has("valueList") || element.has("objectList"))) {
                return false;
            }
        }
        return true;
    }

    /** Parses one attribute instance, normalized or concise, with its sub-attributes. */
    private static ObjectNode parseInstance(String name, String iri, JsonNode value, JsonLdContext context, String now) {
        if (value == null || value.isNull()) {
            throw MeridianException.badData("The attribute '" + name + "' has a null value");
        }
        AttributeType type = inferType(name, iri, value);
        ObjectNode instance = NODES.objectNode();
        instance.put("type", type.typeName());
        if (isShorthand(type, value)) {
            instance.set(type.valueMember(), checkValue(name, type, value, context));
        } else {
            ObjectNode source = (ObjectNode) value;
            JsonNode member = source.get(type.valueMember());
            if (member == null || member.isNull()) {
                throw MeridianException.badData("The " + type.typeName() + " '" + name + "' needs a " + type.valueMember() + " member");
            }
            instance.set(type.valueMember(), checkValue(name, type, member, context));
            copyMetadata(name, source, instance);
            for (Map.Entry<String, JsonNode> sub : source.properties()) {
                if (!NgsiLd.INSTANCE_MEMBERS.contains(sub.getKey())) {
                    checkName(sub.getKey(), "sub-attribute name");
                    String subIri = context.expandTerm(sub.getKey());
                    if (sub.getValue().isArray() && isInstanceArray(sub.getValue())) {
                        throw MeridianException.badData("The sub-attribute '" + sub.getKey() + "' of '" + name + "' cannot have several instances");
                    }
                    instance.set(subIri, parseInstance(sub.getKey(), subIri, sub.getValue(), context, now));
                }
            }
        }
        instance.put("createdAt", now);
        instance.put("modifiedAt", now);
        return instance;
    }

    /** Concise values that are the attribute value itself rather than an object with members. */
    private static boolean isShorthand(AttributeType type, JsonNode value) {
        if (!value.isObject()) {
            return true;
        }
        return switch (type) {
            case GEO_PROPERTY -> GeoJson.looksLikeGeometry(value);
            // {"type": "Property"} without a value is a normalised attribute missing its value, not a concise object.
            case PROPERTY -> !value.has("value") && !"Property".equals(value.path("type").asText(null));
            case RELATIONSHIP, LANGUAGE_PROPERTY, VOCAB_PROPERTY, JSON_PROPERTY, LIST_PROPERTY, LIST_RELATIONSHIP -> false;
        };
    }

    private static AttributeType inferType(String name, String iri, JsonNode value) {
        if (value.isObject()) {
            JsonNode type = value.get("type");
            if (type != null && type.isTextual() && !GeoJson.looksLikeGeometry(value)) {
                return AttributeType.fromName(type.asText()).orElseThrow(() -> MeridianException.badData(
                        "The attribute '" + name + "' has the unknown type '" + type.asText() + "'"));
            }
            if (type != null && !type.isTextual()) {
                throw MeridianException.badData("The type of attribute '" + name + "' must be a string");
            }
            if (GeoJson.looksLikeGeometry(value)) {
                return AttributeType.GEO_PROPERTY;
            }
            for (AttributeType candidate : AttributeType.values()) {
                if (candidate != AttributeType.PROPERTY && candidate != AttributeType.GEO_PROPERTY && value.has(candidate.valueMember())) {
                    return candidate;
                }
            }
            if (value.has("value") && GeoJson.looksLikeGeometry(value.get("value")) && isGeoName(iri)) {
                return AttributeType.GEO_PROPERTY;
            }
        }
        return AttributeType.PROPERTY;
    }

    private static boolean isGeoName(String iri) {
        return NgsiLd.LOCATION.equals(iri) || NgsiLd.OBSERVATION_SPACE.equals(iri) || NgsiLd.OPERATION_SPACE.equals(iri);
    }

    private static JsonNode checkValue(String name, AttributeType type, JsonNode value, JsonLdContext context) {
        if (value.isTextual() && NgsiLd.NULL_URI.equals(value.asText())) {
            // The NGSI-LD null (clause 4.5.x): in an update, merge or partial update it deletes what it names.
            return value;
        }
        return switch (type) {
            case PROPERTY, JSON_PROPERTY -> value;
            case GEO_PROPERTY -> {
                GeoJson.parse(value);
                yield value;
            }
            case RELATIONSHIP -> relationshipObject(name, value);
            case LANGUAGE_PROPERTY -> languageMap(name, value);
            case VOCAB_PROPERTY -> vocab(name, value, context);
            case LIST_PROPERTY -> {
                if (!value.isArray()) {
                    throw MeridianException.badData("The valueList of '" + name + "' must be an array");
                }
                yield value;
            }
            case LIST_RELATIONSHIP -> objectList(name, value);
        };
    }

    private static JsonNode relationshipObject(String name, JsonNode object) {
        if (object.isTextual()) {
            requireUri(object.asText(), "The object of relationship '" + name + "'");
            return object;
        }
        if (object.isArray() && !object.isEmpty()) {
            object.forEach(element -> requireUri(element.asText(""), "The object of relationship '" + name + "'"));
            return object;
        }
        throw MeridianException.badData("The object of relationship '" + name + "' must be a URI or an array of URIs");
    }

    private static JsonNode objectList(String name, JsonNode list) {
        if (!list.isArray()) {
            throw MeridianException.badData("The objectList of '" + name + "' must be an array");
        }
        ArrayNode normalised = NODES.arrayNode();
        for (JsonNode element : list) {
            JsonNode object = element.isObject() ? element.get("object") : element;
            if (object == null || !object.isTextual()) {
                throw MeridianException.badData("Each element of the objectList of '" + name + "' must be a URI or {\"object\": URI}");
            }
            normalised.add(NODES.objectNode().put("object", requireUri(object.asText(), "An object of '" + name + "'")));
        }
        return normalised;
    }

    private static JsonNode languageMap(String name, JsonNode map) {
        if (!map.isObject() || map.isEmpty()) {
            throw MeridianException.badData("The languageMap of '" + name + "' must be a non-empty object of language → text");
        }
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            boolean text = entry.getValue().isTextual()
                    || entry.getValue().isArray() && entry.getValue().valueStream().allMatch(JsonNode::isTextual);
            if (!text) {
                throw MeridianException.badData("The languageMap of '" + name + "' maps '" + entry.getKey() + "' to something other than text");
            }
        }
        return map;
    }

    private static JsonNode vocab(String name, JsonNode vocab, JsonLdContext context) {
        if (vocab.isTextual()) {
            return NODES.textNode(context.expandTerm(vocab.asText()));
        }
        if (vocab.isArray() && !vocab.isEmpty() && vocab.valueStream().allMatch(JsonNode::isTextual)) {
            ArrayNode expanded = NODES.arrayNode();
            vocab.forEach(element -> expanded.add(context.expandTerm(element.asText())));
            return expanded;
        }
        throw MeridianException.badData("The vocab of '" + name + "' must be a term or an array of terms");
    }

    private static void copyMetadata(String name, ObjectNode source, ObjectNode instance) {
        JsonNode observedAt = source.get("observedAt");
        if (observedAt != null) {
            instance.put("observedAt", requireDateTime(observedAt, "observedAt of '" + name + "'"));
        }
        JsonNode unitCode = source.get("unitCode");
        if (unitCode != null) {
            if (!unitCode.isTextual() || unitCode.asText().isBlank()) {
                throw MeridianException.badData("The unitCode of '" + name + "' must be a non-empty string");
            }
            instance.set("unitCode", unitCode);
        }
        JsonNode datasetId = source.get("datasetId");
        if (datasetId != null) {
            if (!datasetId.isTextual()) {
                throw MeridianException.badData("The datasetId of '" + name + "' must be a URI");
            }
            instance.put("datasetId", requireUri(datasetId.asText(), "The datasetId of '" + name + "'"));
        }
        JsonNode objectType = source.get("objectType");
        if (objectType != null) {
            instance.set("objectType", objectType);
        }
    }

    /** Checks an ISO 8601 date-time with a zone and returns it in UTC, see {@link DateTimes#normalise}. */
    public static String requireDateTime(JsonNode node, String what) {
        if (!node.isTextual()) {
            throw MeridianException.badData(what + " must be an ISO 8601 date-time string");
        }
        return DateTimes.normalise(node.asText(), what);
    }

    public static void checkName(String name, String what) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw MeridianException.badData("An " + what + " must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (name.startsWith("@")) {
            throw MeridianException.badData("The " + what + " '" + name + "' starts with @, which JSON-LD keeps for its keywords");
        }
        if (FORBIDDEN_NAME_CHARACTERS.matcher(name).find() || name.chars().anyMatch(Character::isISOControl)) {
            throw MeridianException.badData("The " + what + " '" + name + "' contains a forbidden character (whitespace,"
                    + " quotes, < > = ; ( ) [ ] { } | ^ ` \\)");
        }
        if (name.indexOf(':') < 0 && (name.indexOf('?') >= 0 || name.indexOf('#') >= 0)) {
            // A short name ends up in a URL path (/attrs/{name}); only a full IRI may carry a query or fragment.
            throw MeridianException.badData("The " + what + " '" + name + "' contains ? or #, allowed only in a full IRI");
        }
    }
}
