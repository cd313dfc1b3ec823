package org.meridian.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.EntityParser;

/**
 * How the rows of a department's file (CSV columns, or GeoJSON feature properties) become entities:
 * <pre>{"entityType": "Hospital", "id": {"column": "code", "prefix": "urn:ngsi-ld:Hospital:"},
 *  "attributes": {"name": {"column": "名称", "type": "Text"}, "beds": {"column": "beds", "type": "Integer"}},
 *  "location": {"longitude": "lon", "latitude": "lat"}, "static": {"dataProvider": "Health Commission"}}</pre>
 * A row whose values do not fit is rejected with its reason; empty cells leave the attribute out.
 */
public record ImportMapping(String entityType, String idColumn, String idPrefix, List<Column> columns,
                            String longitudeColumn, String latitudeColumn, ObjectNode staticAttributes) {

    /** One attribute from one column. */
    public record Column(String attribute, String column, ValueType type, String unitCode, String prefix) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> MEMBERS = Set.of("entityType", "id", "attributes", "location", "static", "description");

    public static ImportMapping parse(JsonNode body) {
        ObjectNode object = EntityParser.requireObject(body, "An import mapping");
        for (String name : (Iterable<String>) object::fieldNames) {
            if (!MEMBERS.contains(name)) {
                throw MeridianException.badData("Unknown member '" + name + "' in an import mapping; expected " + MEMBERS);
            }
        }
        String type = text(object, "entityType");
        EntityParser.checkName(type, "entityType");
        JsonNode id = object.get("id");
        if (id == null || !id.isObject()) {
            throw MeridianException.badData("An import mapping needs \"id\": {\"column\": ..., \"prefix\": \"urn:ngsi-ld:" + type + ":\"}");
        }
        String idColumn = text(id, "column");
        String prefix = id.hasNonNull("prefix") ? text(id, "prefix") : "urn:ngsi-ld:" + type + ":";
        EntityParser.requireUri(prefix + "x", "id.prefix");
        List<Column> columns = new ArrayList<>();
        JsonNode attributes = object.get("attributes");
        if (attributes != null) {
            if (!attributes.isObject()) {
                throw MeridianException.badData("attributes must be an object of name: {column, type}");
            }
            for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
                EntityParser.checkName(attribute.getKey(), "attribute name");
                JsonNode spec = attribute.getValue();
                String typeName = spec.path("type").asText("Text");
                ValueType valueType = ValueType.fromWireName(typeName).orElseThrow(() -> MeridianException.badData(
                        "Unknown type '" + typeName + "' of " + attribute.getKey()));
                columns.add(new Column(attribute.getKey(), text(spec, "column"), valueType,
                        spec.hasNonNull("unitCode") ? spec.get("unitCode").asText() : null,
                        spec.hasNonNull("prefix") ? spec.get("prefix").asText() : ""));
            }
        }
        JsonNode location = object.get("location");
        String longitude = location == null ? null : text(location, "longitude");
        String latitude = location == null ? null : text(location, "latitude");
        ObjectNode statics = object.hasNonNull("static") ? EntityParser.requireObject(object.get("static"), "static") : NODES.objectNode();
        return new ImportMapping(type, idColumn, prefix, List.copyOf(columns), longitude, latitude, statics);
    }

    /**
     * The entity of one row, in NGSI-LD normalized form with compact names, ready for a batch upsert.
     *
     * @param values the row's values by column (CSV cells are text; GeoJSON properties keep their JSON types)
     * @param geometry the feature's GeoJSON geometry, or null
     */
    public ObjectNode entity(Map<String, JsonNode> values, JsonNode geometry) {
        JsonNode id = values.get(idColumn);
        if (id == null || id.isNull() || id.asText().isBlank()) {
            throw MeridianException.badData("The id column '" + idColumn + "' is empty");
        }
        ObjectNode entity = NODES.objectNode();
        entity.put("id", EntityParser.requireUri(idPrefix + id.asText().trim(), "The id"));
        entity.put("type", entityType);
        staticAttributes.properties().forEach(member -> entity.set(member.getKey(), member.getValue().deepCopy()));
        for (Column column : columns) {
            JsonNode value = values.get(column.column());
            if (value == null || value.isNull() || value.isTextual() && value.asText().isBlank()) {
                continue;
            }
            entity.set(column.attribute(), attribute(column, value));
        }
        if (geometry != null && !geometry.isNull()) {
            entity.set("location", NODES.objectNode().put("type", "GeoProperty").set("value", geometry));
        } else if (longitudeColumn != null) {
            JsonNode lon = values.get(longitudeColumn);
            JsonNode lat = values.get(latitudeColumn);
            if (lon != null && lat != null && !lon.asText().isBlank() && !lat.asText().isBlank()) {
                ObjectNode point = NODES.objectNode().put("type", "Point");
                point.putArray("coordinates").add(number(lon, longitudeColumn)).add(number(lat, latitudeColumn));
                entity.set("location", NODES.objectNode().put("type", "GeoProperty").set("value", point));
            }
        }
        return entity;
    }

    private static ObjectNode attribute(Column column, JsonNode value) {
        ObjectNode attribute = NODES.objectNode();
        String text = value.asText().trim();
        switch (column.type()) {
            case NUMBER -> attribute.put("type", "Property").put("value", number(value, column.column()));
            case INTEGER -> {
                try {
                    attribute.put("type", "Property").put("value", value.isIntegralNumber() ? value.asLong() : Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw MeridianException.badData("Column '" + column.column() + "': '" + text + "' is not a whole number");
                }
            }
            case BOOLEAN -> attribute.put("type", "Property").put("value", bool(value, column.column()));
            case TEXT -> attribute.put("type", "Property").put("value", text);
            case RELATIONSHIP -> attribute.put("type", "Relationship").put("object",
                    EntityParser.requireUri(column.prefix() + text, "Column '" + column.column() + "'"));
            case JSON -> attribute.put("type", "JsonProperty").set("json", value.isTextual() ? Json.parseRequest(text) : value);
            case GEO_JSON -> attribute.put("type", "GeoProperty").set("value", value.isTextual() ? Json.parseRequest(text) : value);
            case GEO_POINT -> {
                String[] parts = text.split(",");
                if (parts.length != 2) {
                    throw MeridianException.badData("Column '" + column.column() + "': '" + text + "' is not \"lat, lon\"");
                }
                ObjectNode point = NODES.objectNode().put("type", "Point");
                point.putArray("coordinates").add(number(NODES.textNode(parts[1]), column.column()))
                        .add(number(NODES.textNode(parts[0]), column.column()));
                attribute.put("type", "GeoProperty").set("value", point);
            }
        }
        if (column.unitCode() != null) {
            attribute.put("unitCode", column.unitCode());
        }
        return attribute;
    }

    private static double number(JsonNode value, String column) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        try {
            double number = Double.parseDouble(value.asText().trim());
            if (Double.isNaN(number) || Double.isInfinite(number)) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw MeridianException.badData("Column '" + column + "': '" + value.asText() + "' is not a number");
        }
    }

    private static boolean bool(JsonNode value, String column) {
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return switch (value.asText().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "是" -> true;
            case "false", "no", "0", "否" -> false;
            default -> throw MeridianException.badData("Column '" + column + "': '" + value.asText() + "' is not true or false");
        };
    }

    private static String text(JsonNode object, String member) {
        JsonNode value = object.get(member);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw MeridianException.badData("The import mapping needs a text '" + member + "'");
        }
        return value.asText();
    }
}
