package org.meridian.platform.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/**
 * The NGSI-LD face's error format: RFC 9457 problem details with the NGSI-LD error type URIs (Meridian's own kinds under
 * {@code urn:meridian:error:}), and the specific error code as an extension member. The one place errors become
 * problem details.
 */
public final class ProblemDetails {
    private static final String NGSI_LD_ERRORS = "https://uri.etsi.org/ngsi-ld/errors/";
    private static final String MERIDIAN_ERRORS = "urn:meridian:error:";

    private ProblemDetails() {
    }

    public static ObjectNode of(MeridianException error) {
        ErrorType type = error.type();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", typeUri(type));
        body.put("title", type.title());
        body.put("status", type.httpStatus());
        body.put("detail", error.detail());
        body.put("code", error.code().code());
        return body;
    }

    public static String typeUri(ErrorType type) {
        return (type.isNgsiLd() ? NGSI_LD_ERRORS : MERIDIAN_ERRORS) + type.shortName();
    }
}
