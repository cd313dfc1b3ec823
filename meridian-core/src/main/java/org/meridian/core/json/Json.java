package org.meridian.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.meridian.core.error.MeridianException;

/** The one configured JSON mapper: exact decimals, bounded nesting, duplicate keys rejected. */
public final class Json {
    public static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH).build());
    }

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a request body; malformed JSON is an InvalidRequest as NGSI-LD asks, and text PostgreSQL cannot store
     * as given (see {@link StorableText}) is BadRequestData naming its place.
     */
    public static JsonNode parseRequest(String text) {
        try {
            return requireStorable(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw MeridianException.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a request body of UTF-8 bytes; bytes that are not UTF-8 are refused, never replaced. */
    public static JsonNode parseRequest(byte[] utf8) {
        try {
            return requireStorable(MAPPER.readTree(utf8));
        } catch (java.io.CharConversionException e) {
            throw MeridianException.invalidRequest("The request body is not valid UTF-8: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw MeridianException.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw MeridianException.invalidRequest("The request body could not be read: " + e.getMessage());
        }
    }

    private static JsonNode requireStorable(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw MeridianException.invalidRequest("The request body is empty; a JSON document was expected");
        }
        StorableText.require(node);
        return node;
    }

    /**
     * Parses untrusted bytes (a device's payload): same limits as requests; null when they are not one JSON value of
     * valid UTF-8. Text PostgreSQL cannot store throws BadRequestData, so the caller can say why.
     */
    public static JsonNode parseBytes(byte[] bytes) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            return null;
        }
        if (node == null || node.isMissingNode()) {
            return null;
        }
        StorableText.require(node);
        return node;
    }

    /** Parses JSON the server itself stored; failure is a bug, not bad input. */
    public static JsonNode parseTrusted(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree could not be written", e);
        }
    }
}
