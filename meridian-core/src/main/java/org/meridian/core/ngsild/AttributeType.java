package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;

/** The NGSI-LD attribute types (clause 4.5), each with the member that carries its value. */
public enum AttributeType {
    PROPERTY("Property", "value"),
    RELATIONSHIP("Relationship", "object"),
    GEO_PROPERTY("GeoProperty", "value"),
    LANGUAGE_PROPERTY("LanguageProperty", "languageMap"),
    VOCAB_PROPERTY("VocabProperty", "vocab"),
    JSON_PROPERTY("JsonProperty", "json"),
    LIST_PROPERTY("ListProperty", "valueList"),
    LIST_RELATIONSHIP("ListRelationship", "objectList");

    private static final String CORE = "https://uri.etsi.org/ngsi-ld/";

    private final String typeName;
    private final String valueMember;

    AttributeType(String typeName, String valueMember) {
        this.typeName = typeName;
        this.valueMember = valueMember;
    }

    public String typeName() {
        return typeName;
    }

    public String valueMember() {
        return valueMember;
    }

    /**
     * The NGSI-LD null in this type's value member, as a deleted attribute shows it: a language map
     * with the null under {@code @none}, a one-element list, or the null URI.
     */
    public JsonNode nullValue() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (this) {
            case LANGUAGE_PROPERTY -> nodes.objectNode().put("@none", NgsiLd.NULL_URI);
            case LIST_PROPERTY, LIST_RELATIONSHIP -> nodes.arrayNode().add(NgsiLd.NULL_URI);
            case PROPERTY, RELATIONSHIP, GEO_PROPERTY, VOCAB_PROPERTY, JSON_PROPERTY -> nodes.textNode(NgsiLd.NULL_URI);
        };
    }

    /** Accepts the compact name and the expanded core IRI. */
    public static Optional<AttributeType> fromName(String name) {
        String compact = name.startsWith(CORE) ? name.substring(CORE.length()) : name;
        for (AttributeType type : values()) {
            if (type.typeName.equals(compact)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The type of a stored instance; stored instances always carry a valid compact type. */
    public static AttributeType ofStored(String name) {
        return fromName(name).orElseThrow(() -> new IllegalStateException("stored attribute with unknown type " + name));
    }
}
