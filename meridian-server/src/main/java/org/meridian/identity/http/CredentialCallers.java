package org.meridian.identity.http;

import io.javalin.http.Context;
import java.util.Optional;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentityService;
import org.meridian.platform.http.Callers;

/**
 * Who calls, from the request's credentials: {@code Authorization: Bearer <access token>} (people and machines) or
 * {@code X-Api-Key: <client id>.<secret>} (machines). Credentials that are present must be valid, else 401, even on a
 * route anyone may use: a client with a broken token learns so at once. Without either, a browser's session cookie
 * ({@link BrowserCookies}): one that is stale only makes the caller anonymous (the page then asks to sign in), and a
 * change it carries needs the session's CSRF token and, when the browser names it, an Origin of this server. Without
 * credentials the caller is anonymous.
 */
public final class CredentialCallers implements Callers.Source {
    static final String API_KEY_HEADER = "X-Api-Key";
    private static final int MAX_CREDENTIAL_LENGTH = 8192;

    private final IdentityService identity;

    public CredentialCallers(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public Caller of(Context http, String tenant) {
        String authorization = http.header("Authorization");
        String apiKey = http.header(API_KEY_HEADER);
        if (authorization != null) {
            return identity.caller(bearerToken(authorization), tenant);
        }
        if (apiKey != null) {
            if (apiKey.length() > MAX_CREDENTIAL_LENGTH) {
                throw new MeridianException(IdentityError.INVALID_CLIENT, "The API key is too long");
            }
            return identity.apiKeyCaller(apiKey.trim(), tenant);
        }
        String cookie = http.cookie(BrowserCookies.SESSION);
        if (cookie != null && cookie.length() <= MAX_CREDENTIAL_LENGTH) {
            Optional<Caller> person = identity.browserCaller(cookie, tenant);
            if (person.isPresent()) {
                if (changes(http)) {
                    requireSameSite(http, identity.csrf(cookie).orElseThrow());
                }
                return person.get();
            }
        }
        return Caller.anonymous(tenant);
    }

    private static boolean changes(Context http) {
        return switch (http.method().name()) {
            case "GET", "HEAD", "OPTIONS" -> false;
            default -> true;
        };
    }

    /** A change carried by the cookie came from our own pages: their CSRF token, and their Origin when one is sent. */
    private static void requireSameSite(Context http, String expected) {
        String origin = http.header("Origin");
        if (origin != null && !origin.equals(http.scheme() + "://" + http.host())) {
            throw new MeridianException(IdentityError.CROSS_SITE_REQUEST, "A change from another site's page (" + origin
                    + ") is not taken with this browser's sign-in");
        }
        String sent = http.header(BrowserCookies.CSRF_HEADER);
        if (sent == null && BrowserCookies.isForm(http)) {
            sent = http.formParam(BrowserCookies.CSRF_FIELD);
        }
        if (sent == null || !java.security.MessageDigest.isEqual(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw new MeridianException(IdentityError.CROSS_SITE_REQUEST, "This change needs the page's CSRF token (the form "
                    + "field " + BrowserCookies.CSRF_FIELD + " or the header " + BrowserCookies.CSRF_HEADER + "): reload the page");
        }
    }

    static String bearerToken(String authorization) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() > MAX_CREDENTIAL_LENGTH) {
            throw new MeridianException(IdentityError.INVALID_TOKEN, "Authorization must be: Bearer <access token>");
        }
        return authorization.substring(7).trim();
    }

    /**
     * The source when authentication is off ({@code MERIDIAN_AUTH=off}, loopback only): everyone may do everything,
     * credentials or not.
     */
    public static Callers.Source everyoneMayDoEverything() {
        return (http, tenant) -> Caller.unauthenticated(tenant);
    }
}
