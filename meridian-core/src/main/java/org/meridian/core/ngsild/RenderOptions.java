package org.meridian.core.ngsild;

import java.util.Set;

/**
 * How to present entities.
 *
 * @param attributes expanded attribute IRIs to keep, or null for all
 * @param omitted projection members to drop (id, type or expanded attribute IRIs), never null
 * @param language the {@code lang} parameter, or null
 */
public record RenderOptions(Format format, boolean systemAttributes, Set<String> attributes, Set<String> omitted,
                            String language) {
    public enum Format { NORMALIZED, CONCISE, KEY_VALUES }

    public RenderOptions {
        omitted = omitted == null ? Set.of() : Set.copyOf(omitted);
        attributes = attributes == null ? null : Set.copyOf(attributes);
    }

    public static RenderOptions normalized() {
        return new RenderOptions(Format.NORMALIZED, false, null, Set.of(), null);
    }

    public boolean keeps(String attributeIri) {
        return (attributes == null || attributes.contains(attributeIri)) && !omitted.contains(attributeIri);
    }
}
