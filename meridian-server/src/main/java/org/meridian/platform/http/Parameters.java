package org.meridian.platform.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/** Reading NGSI-LD query parameters from the URL with errors in the API's own format (see {@link QueryParameters}). */
public final class Parameters {
    private Parameters() {
    }

    public static String single(Context http, String name) {
        return QueryParameters.of(http).single(name);
    }

    /** A comma-separated list parameter; null when absent. */
    public static List<String> list(Context http, String name) {
        return QueryParameters.of(http).list(name);
    }

    public static Set<String> options(Context http) {
        return QueryParameters.of(http).options();
    }

    public static int integer(Context http, String name, int defaultValue, int minimum) {
        return QueryParameters.of(http).integer(name, defaultValue, minimum);
    }

    public static boolean flag(Context http, String name) {
        return QueryParameters.of(http).flag(name);
    }
}
