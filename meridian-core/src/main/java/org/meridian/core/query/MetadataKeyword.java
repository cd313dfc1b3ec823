package org.meridian.core.query;

import java.util.Optional;

/** The members of an attribute instance that a q attribute path may address by name without term expansion. */
public enum MetadataKeyword {
    OBSERVED_AT("observedAt"),
    CREATED_AT("createdAt"),
    MODIFIED_AT("modifiedAt"),
    DELETED_AT("deletedAt"),
    UNIT_CODE("unitCode"),
    DATASET_ID("datasetId");

    private final String key;

    MetadataKeyword(String key) {
        this.key = key;
    }

    /** The member name in the stored instance. */
    public String key() {
        return key;
    }

    public static Optional<MetadataKeyword> fromKey(String key) {
        for (MetadataKeyword keyword : values()) {
            if (keyword.key.equals(key)) {
                return Optional.of(keyword);
            }
        }
        return Optional.empty();
    }
}
