package org.meridian.core.jsonld;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds the document a remote {@code @context} URL stands for. Implementations never go to the network on a request
 * path: cities run on closed networks, so contexts come from a local store.
 */
@FunctionalInterface
public interface ContextLoader {
    /**
     * @return the whole JSON-LD document (an object with an {@code @context} member)
     * @throws org.meridian.core.error.MeridianException of type LD_CONTEXT_NOT_AVAILABLE when the URL is unknown
     */
    JsonNode load(String url);
}
