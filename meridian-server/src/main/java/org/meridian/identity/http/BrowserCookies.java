package org.meridian.identity.http;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Duration;
import java.time.Instant;
import org.meridian.identity.IdentityService;

/**
 * A person's sign-in at the web pages, kept in a cookie: HttpOnly (scripts cannot read it), SameSite=Lax (other sites'
 * forms and scripts do not send it), Secure when the page came over HTTPS. Changes made with it also carry the
 * session's CSRF token, which the pages write into their forms and send as a header from scripts.
 */
public final class BrowserCookies {
    public static final String SESSION = "meridian_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";

    private BrowserCookies() {
    }

    /** Sets the session's cookie on the response. */
    public static void signedIn(Context http, IdentityService.BrowserSession session) {
        http.cookie(cookie(http, session.cookie(), (int) Math.max(1, Duration.between(Instant.now(), session.until()).toSeconds())));
    }

    /** Removes the session's cookie. */
    public static void signedOut(Context http) {
        http.cookie(cookie(http, "", 0));
    }

    private static Cookie cookie(Context http, String value, int maxAge) {
        Cookie cookie = new Cookie(SESSION, value);
        cookie.setPath("/");
        cookie.setMaxAge(maxAge);
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.LAX);
        cookie.setSecure("https".equals(http.scheme()));
        return cookie;
    }

    /** Whether the request's body is a form (whose fields may carry the CSRF token). */
    static boolean isForm(Context http) {
        String type = http.contentType();
        if (type == null) {
            return false;
        }
        String lower = type.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/form-data");
    }
}
