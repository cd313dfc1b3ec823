package org.meridian.web;

import io.javalin.http.Context;

/**
 * What every page tells the browser: run only our own scripts and styles, load nothing from elsewhere, never be
 * framed by another site, send no referrer outside this site.
 */
final class SecurityHeaders {
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(Context http) {
        http.header("Content-Security-Policy", POLICY);
        http.header("X-Content-Type-Options", "nosniff");
        http.header("X-Frame-Options", "DENY");
        http.header("Referrer-Policy", "same-origin");
    }
}
