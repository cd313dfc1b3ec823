package org.meridian.platform.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Set;
import org.meridian.core.error.ErrorCode;
import org.meridian.core.error.MeridianException;

/**
 * Reading the members of a plain JSON request body (the administration and sharing APIs): an object, only the members
 * the route knows, strings and booleans of bounded size; anything else is refused with the route's own error code.
 */
public final class JsonFields {
    private final ErrorCode invalid;

    /** @param invalid the error a malformed body is refused with (the capability's INVALID_INPUT) */
    public JsonFields(ErrorCode invalid) {
        this.invalid = invalid;
    }

    public ObjectNode object(Context http) {
        if (JsonBody.parse(http) instanceof ObjectNode object) {
            return object;
        }
        throw invalid("The body is a JSON object");
    }

    public void allowOnly(ObjectNode body, Set<String> names) {
        body.fieldNames().forEachRemaining(name -> {
            if (!names.contains(name)) {
                throw invalid("Unknown member '" + (name.length() > 64 ? name.substring(0, 64) + "…" : name) + "'; allowed: " + names);
            }
        });
    }

    /** The member as a string of at most {@code maxLength} characters without control characters (but newlines); null when absent. */
    public String text(JsonNode body, String name, int maxLength) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > maxLength || value.asText().chars().anyMatch(c -> c < 0x20 && c != '\n')) {
            throw invalid(name + " is a string of at most " + maxLength + " characters");
        }
        return value.asText();
    }

    /** The member as true or false; null when absent. */
    public Boolean bool(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(name + " is true or false");
        }
        return value.booleanValue();
    }

    public MeridianException invalid(String detail) {
        return new MeridianException(invalid, detail);
    }

    public static void respond(Context http, int status, JsonNode body) {
        http.status(status).contentType(MediaTypes.JSON).result(body.toString());
    }
}
