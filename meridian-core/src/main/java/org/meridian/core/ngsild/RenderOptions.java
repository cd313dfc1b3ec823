package org.meridian.core.ngsild;

import java.util.Map;
import java.util.Set;

/**
 * How to present entities.
 *
 * @param attributes expanded attribute IRIs to keep, or null for all
 * @param omitted projection members to drop (id, type or expanded attribute IRIs), never null
 * @param language the {@code lang} parameter, or null
 * @param linked how to present the entities a relationship links to, by the relationship's expanded IRI, when
 *               {@code pick} or {@code omit} said so (clause 4.21); others are presented whole, in the same format
 * @param datasetIds the instances to show by datasetId ({@code @none} for the default instance), or null for all
 */
public record RenderOptions(Format format, boolean systemAttributes, Set<String> attributes, Set<String> omitted,
                            String language, Map<String, RenderOptions> linked, Set<String> datasetIds) {
    /** The datasetId filter's name for the default instance (the one without a datasetId). */
    public static final String DEFAULT_INSTANCE = "@none";

    public enum Format { NORMALIZED, CONCISE, KEY_VALUES }

    public RenderOptions {
        omitted = omitted == null ? Set.of() : Set.copyOf(omitted);
        attributes = attributes == null ? null : Set.copyOf(attributes);
        linked = linked == null ? Map.of() : Map.copyOf(linked);
        datasetIds = datasetIds == null ? null : Set.copyOf(datasetIds);
    }

    public RenderOptions(Format format, boolean systemAttributes, Set<String> attributes, Set<String> omitted,
                         String language) {
        this(format, systemAttributes, attributes, omitted, language, Map.of(), null);
    }

    public static RenderOptions normalized() {
        return new RenderOptions(Format.NORMALIZED, false, null, Set.of(), null);
    }

    public boolean keeps(String attributeIri) {
        return (attributes == null || attributes.contains(attributeIri)) && !omitted.contains(attributeIri);
    }

    /** Whether an attribute instance is shown under the datasetId filter. */
    public boolean showsInstance(com.fasterxml.jackson.databind.JsonNode instance) {
        if (datasetIds == null) {
            return true;
        }
        com.fasterxml.jackson.databind.JsonNode datasetId = instance.get("datasetId");
        return datasetIds.contains(datasetId == null ? DEFAULT_INSTANCE : datasetId.asText());
    }

    /** The options for an entity reached through the relationship (linked entity retrieval, clause 4.5.23). */
    public RenderOptions through(String relationshipIri) {
        RenderOptions nested = linked.get(relationshipIri);
        return nested != null ? nested : new RenderOptions(format, systemAttributes, null, Set.of(), language);
    }
}
