package org.meridian.core.jsonld;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns a request's {@code @context} (a URL, an object or an array of them; null for none) into a compiled context. */
@FunctionalInterface
public interface ContextResolver {
    JsonLdContext resolve(JsonNode userContext);
}
