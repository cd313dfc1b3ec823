package org.meridian.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.identity.IdentityService;
import org.meridian.identity.http.BrowserCookies;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.NgsiLdExchange;

/**
 * Renders the pages: the templates under {@code src/main/jte}, compiled to classes by the build (jte), so a page is a
 * method call with typed parameters and every value is HTML-escaped unless a template says otherwise.
 */
public final class Pages {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private final IdentityService identity;

    public Pages(IdentityService identity) {
        this.identity = identity;
    }

    /**
     * The tenant the pages work in: the NGSILD-Tenant header when a script or test sends one, else the one chosen at
     * sign-in (remembered in a cookie), else the default tenant. Roles are then the signed-in person's in that tenant.
     */
    public static String tenant(Context http) {
        return NgsiLdExchange.tenantOf(http);
    }

    /** What the page knows of this request. */
    public Page page(Context http) {
        Caller caller;
        try {
            caller = Callers.of(http, tenant(http));
        } catch (MeridianException refused) {
            // The page that says why a request was refused (a missing CSRF token, a stale token) still renders.
            caller = Caller.anonymous("");
        }
        String cookie = http.cookie(BrowserCookies.SESSION);
        Page.Viewer viewer = null;
        String csrf = "";
        if (!caller.isAnonymous()) {
            csrf = cookie == null ? "" : identity.csrf(cookie).orElse("");
            String name = caller.subject().startsWith("account:") ? caller.subject().substring(8) : caller.subject();
            viewer = new Page.Viewer(name, caller);
        }
        String query = http.queryString();
        return new Page(Messages.of(Language.of(http)), http.path() + (query == null ? "" : "?" + query), csrf, viewer);
    }

    /** Writes the template with its parameters as the response (200 unless the status was set). */
    public void render(Context http, String template, Map<String, Object> parameters) {
        StringOutput output = new StringOutput();
        ENGINE.render(template, parameters, output);
        http.contentType("text/html; charset=utf-8");
        http.header("Cache-Control", "no-store");
        http.result(output.toString());
    }
}
