package org.meridian.identity.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentityService;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.Routes;

/**
 * {@code POST /auth/token} in the shape of OAuth 2.0 (RFC 6749): form-encoded, answers and errors in OAuth's own format
 * (this API face's error mapping): the password, refresh_token and client_credentials grants; {@code POST
 * /auth/logout}; and {@code GET /auth/me}.
 */
public final class AuthRoutes implements Routes {
    private final IdentityService identity;

    public AuthRoutes(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/auth/token", this::token, Access.PUBLIC);
        routes.post("/auth/logout", this::logout, Access.SIGNED_IN);
        routes.get("/auth/me", this::me, Access.SIGNED_IN);
    }

    private void token(Context http) {
        http.header("Cache-Control", "no-store");
        String contentType = http.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            oauthError(http, 400, "invalid_request", "Send the request form-encoded (application/x-www-form-urlencoded)");
            return;
        }
        String grantType = http.formParam("grant_type");
        if (identity.peopleSignInElsewhere() && ("password".equals(grantType) || "refresh_token".equals(grantType))) {
            oauthError(http, 400, "unsupported_grant_type", "People sign in at the city's identity provider; "
                    + "send its access token as Authorization: Bearer <token>");
            return;
        }
        try {
            IdentityService.Token token = switch (grantType == null ? "" : grantType) {
                case "password" -> identity.signIn(http.formParam("username"), http.formParam("password"), http.ip());
                case "refresh_token" -> identity.refresh(http.formParam("refresh_token"));
                case "client_credentials" -> {
                    String[] basic = basicCredentials(http);
                    yield basic != null ? identity.signInClient(basic[0], basic[1])
                            : identity.signInClient(http.formParam("client_id"), http.formParam("client_secret"));
                }
                default -> null;
            };
            if (token == null) {
                oauthError(http, 400, "unsupported_grant_type", "grant_type must be password, refresh_token or client_credentials");
                return;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("access_token", token.accessToken());
            body.put("token_type", "Bearer");
            body.put("expires_in", token.expiresInSeconds());
            if (token.refreshToken() != null) {
                body.put("refresh_token", token.refreshToken());
            }
            http.contentType(MediaTypes.JSON).result(body.toString());
        } catch (MeridianException e) {
            if (e.code() == IdentityError.TOO_MANY_ATTEMPTS) {
                http.header("Retry-After", "900");
                oauthError(http, 429, "slow_down", e.detail());
            } else if (e.code() == IdentityError.INVALID_GRANT) {
                oauthError(http, 400, "invalid_grant", e.detail());
            } else if (e.code() == IdentityError.INVALID_CLIENT) {
                http.header("WWW-Authenticate", "Basic realm=\"meridian\"");
                oauthError(http, 401, "invalid_client", e.detail());
            } else {
                throw e;
            }
        }
    }

    /** Client credentials sent as HTTP Basic (RFC 6749 2.3.1), or null when the request has none. */
    private static String[] basicCredentials(Context http) {
        String authorization = http.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6) || authorization.length() > 1024) {
            return null;
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).trim()),
                    java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {
                    java.net.URLDecoder.decode(decoded.substring(0, colon), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(decoded.substring(colon + 1), java.nio.charset.StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Ends the caller's sign-in: its access and refresh tokens stop working at once, on every node. */
    private void logout(Context http) {
        String authorization = http.header("Authorization");
        if (authorization != null) {
            identity.signOut(CredentialCallers.bearerToken(authorization));
        }
        http.status(204);
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
        body.put("subject", me.subject());
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
