package org.meridian.platform.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.meridian.core.error.MeridianException;

/** RFC 9457 problem details with the NGSI-LD error type URIs. */
public final class ProblemDetails {
    private ProblemDetails() {
    }

    public static ObjectNode of(MeridianException error) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", error.type().uri());
        body.put("title", error.type().title());
        body.put("status", error.type().httpStatus());
        body.put("detail", error.detail());
        return body;
    }
}
