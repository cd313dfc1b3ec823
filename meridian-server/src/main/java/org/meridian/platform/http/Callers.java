package org.meridian.platform.http;

import io.javalin.http.Context;
import org.meridian.core.security.Caller;

/**
 * The one place the HTTP edge decides who calls: every route asks here (NgsiLdExchange, the streams), and here asks the
 * {@link Source} the server was started with. Until accounts exist every caller is anonymous with full rights; the
 * identity capability (#20) provides a source that reads the credentials, and no route changes.
 */
public final class Callers {
    /** Tells who calls from a request (its credentials), in the tenant it names. */
    @FunctionalInterface
    public interface Source {
        Caller of(Context http, String tenant);
    }

    public static final Source ANONYMOUS = (http, tenant) -> Caller.anonymous(tenant);

    static final String ATTRIBUTE = "meridian.callers";

    private Callers() {
    }

    /** Who makes this request, in that tenant. */
    public static Caller of(Context http, String tenant) {
        Source source = http.attribute(ATTRIBUTE);
        return (source == null ? ANONYMOUS : source).of(http, tenant);
    }
}
