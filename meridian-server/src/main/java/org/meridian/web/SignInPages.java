package org.meridian.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.HashMap;
import java.util.Map;
import org.meridian.core.error.MeridianException;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentityService;
import org.meridian.identity.http.BrowserCookies;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;

/** Signing in and out at the pages, and the language switch. */
final class SignInPages implements Routes {
    private final IdentityService identity;
    private final Pages pages;

    SignInPages(IdentityService identity, Pages pages) {
        this.identity = identity;
        this.pages = pages;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/sign-in", this::form, Access.PUBLIC);
        routes.post("/sign-in", this::signIn, Access.PUBLIC);
        routes.post("/sign-out", this::signOut, Access.SIGNED_IN);
        routes.get("/language", this::language, Access.PUBLIC);
    }

    private void form(Context http) {
        show(http, "", null);
    }

    private void show(Context http, String username, String error) {
        String resubmit = http.formParam("resubmit");
        show(pages, http, Drafts.carried(http), resubmit == null ? "" : next(resubmit), username, error);
    }

    /**
     * The sign-in form; with a draft, what was typed into a form whose sign-in had ended, carried along (hidden) to be
     * sent again to {@code resubmit} once signed in.
     */
    static void show(Pages pages, Context http, Map<String, String> draft, String resubmit, String username, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("signInToken", signInToken(http));
        String wanted = http.queryParam("next") != null ? http.queryParam("next") : http.formParam("next");
        if (wanted == null && !draft.isEmpty()) {
            // Back to the page the form was on (the browser says which), else to where the form was sent.
            String referer = http.header("Referer");
            wanted = referer == null ? resubmit : java.net.URI.create(referer).getRawPath();
        }
        // Nothing asked for, or another site's page: the form leaves it empty, and signing in leads to the person's own
        // start page (not to a fixed one they may not open).
        model.put("next", ownPath(wanted) ? wanted : "");
        model.put("username", username);
        model.put("error", error == null ? "" : error);
        model.put("draft", draft);
        model.put("resubmit", resubmit);
        String tenant = http.formParam("tenant") != null ? http.formParam("tenant") : http.queryParam("tenant");
        model.put("tenant", org.meridian.platform.http.NgsiLdExchange.isTenantName(tenant) ? tenant : Pages.tenant(http));
        pages.render(http, "sign-in.jte", model);
    }

    private void signIn(Context http) {
        String username = http.formParam("username");
        Messages t = Messages.of(Language.of(http));
        String expected = http.cookie(SIGN_IN_COOKIE);
        String sent = http.formParam(SIGN_IN_FIELD);
        if (expected == null || sent == null || !java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                sent.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            // Not our own sign-in form (another site's, signing the visitor in as someone else), or a stale one.
            http.status(400);
            show(http, username == null ? "" : username, t.get("signIn.stale"));
            return;
        }
        try {
            IdentityService.BrowserSession session = identity.signInBrowser(username, http.formParam("password"), http.ip());
            BrowserCookies.signedIn(http, session);
            chooseTenant(http, http.formParam("tenant"));
            Map<String, String> draft = Drafts.carried(http);
            String resubmit = http.formParam("resubmit");
            if (!draft.isEmpty() && resubmit != null && !resubmit.isEmpty()) {
                // The form whose sign-in had ended, filled as it was, to be sent again under the new sign-in.
                Map<String, Object> model = new HashMap<>();
                model.put("page", pages.page(http));
                model.put("draft", draft);
                model.put("resubmit", next(resubmit));
                model.put("csrf", session.csrf());
                pages.render(http, "resume.jte", model);
                return;
            }
            String asked = http.formParam("next");
            http.status(303).header("Location", ownPath(asked) ? asked : start(session, http.formParam("tenant")));
        } catch (MeridianException e) {
            if (e.code() == IdentityError.TOO_MANY_ATTEMPTS) {
                http.status(429).header("Retry-After", "900");
                show(http, username == null ? "" : username, t.get("signIn.tooMany"));
            } else if (e.code() == IdentityError.INVALID_GRANT) {
                http.status(400);
                show(http, username == null ? "" : username, t.get("signIn.wrong"));
            } else {
                throw e;
            }
        }
    }

    private void signOut(Context http) {
        // The access check has resolved the caller, CSRF token included, before this runs.
        Callers.of(http, "");
        String cookie = http.cookie(BrowserCookies.SESSION);
        if (cookie != null) {
            identity.signOutBrowser(cookie);
        }
        BrowserCookies.signedOut(http);
        http.status(303).header("Location", "/portal");
    }

    private void language(Context http) {
        Language chosen = Language.ofTag(http.queryParam("to"));
        if (chosen == null) {
            throw new MeridianException(IdentityError.INVALID_INPUT, "to must be one of zh-CN, en");
        }
        Cookie cookie = new Cookie(Language.COOKIE, chosen.tag());
        cookie.setPath("/");
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setSameSite(SameSite.LAX);
        http.cookie(cookie);
        http.status(303).header("Location", next(http.queryParam("back")));
    }

    static final String SIGN_IN_COOKIE = "meridian_sign_in";
    static final String SIGN_IN_FIELD = "_sign_in";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * A fresh token for the sign-in form, also set as a cookie only this site's pages send back (SameSite=Strict): a
     * sign-in posted from another site's page (to sign the visitor in as the other site's account) lacks it.
     */
    private static String signInToken(Context http) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Cookie cookie = new Cookie(SIGN_IN_COOKIE, token);
        cookie.setPath("/sign-in");
        cookie.setMaxAge(3600);
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setSecure("https".equals(http.scheme()));
        http.cookie(cookie);
        return token;
    }

    /** Remembers the tenant the person chose to work in (none: the default tenant's pages). */
    private static void chooseTenant(Context http, String tenant) {
        String chosen = chosenTenant(tenant);
        Cookie cookie = new Cookie(org.meridian.platform.http.NgsiLdExchange.TENANT_COOKIE, chosen);
        cookie.setPath("/");
        cookie.setMaxAge(chosen.isEmpty() ? 0 : 365 * 24 * 3600);
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.LAX);
        cookie.setSecure("https".equals(http.scheme()));
        http.cookie(cookie);
    }

    /**
     * Where a person goes after signing in when no page was asked for: the city map for those who read the city's data,
     * the case board for the others who handle or follow cases (a citizen), the portal for anyone else.
     */
    private String start(IdentityService.BrowserSession session, String tenant) {
        return identity.browserCaller(session.cookie(), chosenTenant(tenant)).map(caller ->
                org.meridian.platform.http.Access.READ_DATA.admits(caller) ? "/ops"
                        : org.meridian.platform.http.Access.CASES.admits(caller) ? "/ops/cases" : "/portal").orElse("/portal");
    }

    /** The tenant named at sign-in, when it is a tenant's name; "" (the default tenant) otherwise. */
    private static String chosenTenant(String tenant) {
        return tenant != null && org.meridian.platform.http.NgsiLdExchange.isTenantName(tenant.strip()) ? tenant.strip() : "";
    }

    static String next(String wanted) {
        return ownPath(wanted) ? wanted : "/ops";
    }

    /** Whether a page to go back to is a path of this site (not another site's, not a scheme-relative URL). */
    private static boolean ownPath(String wanted) {
        return wanted != null && wanted.startsWith("/") && !wanted.startsWith("//") && !wanted.startsWith("/\\") && wanted.length() <= 2000
                && wanted.chars().noneMatch(c -> c < 0x20);
    }
}
