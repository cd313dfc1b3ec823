package org.meridian.platform.http;

import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;

/**
 * How a face of the platform that is not NGSI-LD writes its errors (Open311's error list, for one): a route group
 * names its face in a before-handler for its paths, and every refusal on those paths — the edge's 401/403/429, a 404
 * for a path that does not exist, the routes' own errors — is written in it. Without one, errors are NGSI-LD problem
 * details.
 */
@FunctionalInterface
public interface ErrorFace {
    /** Writes the error (its status and body) on the response. */
    void write(MeridianException error, Context http);

    String ATTRIBUTE = "meridian.error-face";

    /** Makes this request's errors use the face. */
    static void use(Context http, ErrorFace face) {
        http.attribute(ATTRIBUTE, face);
    }
}
