package org.meridian.core.ngsild;

import java.util.Set;

/** Names fixed by the NGSI-LD specification. */
public final class NgsiLd {
    public static final String CORE_CONTEXT_V1_8 = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
    public static final String DEFAULT_CONTEXT = "https://uri.etsi.org/ngsi-ld/default-context/";
    public static final String NULL_URI = "urn:ngsi-ld:null";
    public static final String LOCATION = "https://uri.etsi.org/ngsi-ld/location";
    public static final String SCOPE = "https://uri.etsi.org/ngsi-ld/scope";
    public static final String OBSERVATION_SPACE = "https://uri.etsi.org/ngsi-ld/observationSpace";
    public static final String OPERATION_SPACE = "https://uri.etsi.org/ngsi-ld/operationSpace";

    /** Members of an attribute instance that are not sub-attributes. */
    public static final Set<String> INSTANCE_MEMBERS = Set.of(
            "type", "value", "object", "languageMap", "vocab", "json", "valueList", "objectList", "observedAt",
            "unitCode", "datasetId", "createdAt", "modifiedAt", "deletedAt", "instanceId", "objectType", "lang", "@context");

    /** Members of an entity that are not attributes. */
    public static final Set<String> ENTITY_MEMBERS = Set.of(
            "id", "@id", "type", "@type", "scope", "@context", "createdAt", "modifiedAt", "deletedAt");

    /** Metadata members that q may address as {@code attr.member}. */
    public static final Set<String> METADATA_MEMBERS = Set.of(
            "observedAt", "createdAt", "modifiedAt", "unitCode", "datasetId", "deletedAt");

    private NgsiLd() {
    }
}
