package org.meridian.identity.http;

import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentityService;
import org.meridian.platform.http.Callers;

/**
 * Who calls, from {@code Authorization: Bearer <token>}. A token that is present must be valid (else 401). Without a
 * token the caller is anonymous: until routes are authorised (the next step of #20) the anonymous caller keeps the full
 * rights it has always had.
 */
public final class BearerCallers implements Callers.Source {
    private final IdentityService identity;

    public BearerCallers(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public Caller of(Context http, String tenant) {
        String authorization = http.header("Authorization");
        if (authorization == null) {
            return Caller.anonymous(tenant);
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() > 8192) {
            throw new MeridianException(IdentityError.INVALID_TOKEN, "Authorization must be: Bearer <access token>");
        }
        return identity.caller(authorization.substring(7).trim(), tenant);
    }
}
