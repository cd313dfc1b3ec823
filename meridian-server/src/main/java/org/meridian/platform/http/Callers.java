package org.meridian.platform.http;

import io.javalin.http.Context;
import org.meridian.core.security.Caller;

/**
 * The one place the HTTP edge decides who calls: the edge's access check and every route ask here, and here asks the
 * {@link Source} the server was started with (the identity capability's, which reads the credentials). Without one,
 * every caller is anonymous: a platform without accounts serves only its public routes.
 */
public final class Callers {
    /** Tells who calls from a request (its credentials), in the tenant it names. */
    @FunctionalInterface
    public interface Source {
        Caller of(Context http, String tenant);
    }

    /** Nobody signs in: the source of a platform without the identity capability. */
    public static final Source NOBODY = (http, tenant) -> Caller.anonymous(tenant);

    static final String SOURCE = "meridian.callers";
    private static final String CALLER = "meridian.caller";

    private Callers() {
    }

    /** Who makes this request, in that tenant (read once per request and tenant). */
    public static Caller of(Context http, String tenant) {
        Caller known = http.attribute(CALLER);
        if (known != null && known.tenant().equals(tenant)) {
            return known;
        }
        Source source = http.attribute(SOURCE);
        Caller caller = (source == null ? NOBODY : source).of(http, tenant);
        http.attribute(CALLER, caller);
        return caller;
    }
}
