package org.meridian.identity.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentityService;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.Routes;

/**
 * {@code POST /auth/token} in the shape of OAuth 2.0 (RFC 6749): form-encoded, answers and errors in OAuth's own format
 * (this API face's error mapping); and {@code GET /auth/me}.
 */
public final class AuthRoutes implements Routes {
    private final IdentityService identity;

    public AuthRoutes(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/auth/token", this::token);
        routes.get("/auth/me", this::me);
    }

    private void token(Context http) {
        http.header("Cache-Control", "no-store");
        String contentType = http.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            oauthError(http, 400, "invalid_request", "Send the request form-encoded (application/x-www-form-urlencoded)");
            return;
        }
        String grantType = http.formParam("grant_type");
        if (!"password".equals(grantType)) {
            oauthError(http, 400, "unsupported_grant_type", "grant_type must be password");
            return;
        }
        try {
            IdentityService.Token token = identity.signIn(http.formParam("username"), http.formParam("password"), http.ip());
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("access_token", token.accessToken());
            body.put("token_type", "Bearer");
            body.put("expires_in", token.expiresInSeconds());
            http.contentType(MediaTypes.JSON).result(body.toString());
        } catch (MeridianException e) {
            if (e.code() == IdentityError.TOO_MANY_ATTEMPTS) {
                http.header("Retry-After", "900");
                oauthError(http, 429, "slow_down", e.detail());
            } else if (e.code() == IdentityError.INVALID_GRANT) {
                oauthError(http, 400, "invalid_grant", e.detail());
            } else {
                throw e;
            }
        }
    }

    private static void oauthError(Context http, int status, String error, String description) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", error);
        body.put("error_description", description);
        http.status(status).contentType(MediaTypes.JSON).result(body.toString());
    }

    private void me(Context http) {
        String tenant = http.header("NGSILD-Tenant");
        IdentityService.Me me = identity.me(Callers.of(http, tenant == null ? "" : tenant));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("user", me.username());
        body.put("tenant", me.tenant());
        me.departments().forEach(body.putArray("departments")::add);
        me.roles().forEach(body.putArray("roles")::add);
        var grants = body.putArray("grants");
        me.grants().forEach(grant -> grants.addObject().put("tenant", grant.tenant()).put("department", grant.department())
                .put("role", grant.role()));
        http.contentType(MediaTypes.JSON).result(body.toString());
    }
}
