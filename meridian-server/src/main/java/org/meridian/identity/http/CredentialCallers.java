package org.meridian.identity.http;

import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentityService;
import org.meridian.platform.http.Callers;

/**
 * Who calls, from the request's credentials: {@code Authorization: Bearer <access token>} (people and machines) or
 * {@code X-Api-Key: <client id>.<secret>} (machines). Credentials that are present must be valid, else 401, even on a
 * route anyone may use: a client with a broken token learns so at once. Without credentials the caller is anonymous.
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
        return Caller.anonymous(tenant);
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
