package org.meridian.web;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.http.ErrorFace;

/**
 * The pages' face for errors: someone not signed in (or whose sign-in ended) is sent to sign in and brought back;
 * every other refusal is a page in the visitor's language saying what happened, never a stack trace or JSON.
 */
final class HtmlErrors implements ErrorFace {
    private final Pages pages;

    HtmlErrors(Pages pages) {
        this.pages = pages;
    }

    @Override
    public void write(MeridianException error, Context http) {
        if (error.type() == ErrorType.UNAUTHENTICATED && (http.method().name().equals("GET") || http.method().name().equals("HEAD"))) {
            String query = http.queryString();
            String back = http.path() + (query == null ? "" : "?" + query);
            http.status(303).header("Location", "/sign-in?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
            return;
        }
        if (error.type() == ErrorType.UNAUTHENTICATED && http.method().name().equals("POST") && Drafts.isForm(http)) {
            // A form sent after the sign-in ended: sign in again, and what was typed goes along to be sent once more.
            http.status(401);
            SignInPages.show(pages, http, Drafts.of(http), http.path(), "", Messages.of(Language.of(http)).get("signIn.expired"));
            return;
        }
        int status = error.type().httpStatus();
        Page page = pages.page(http);
        String headline = switch (status) {
            case 401 -> "error.signIn";
            case 403 -> "error.forbidden";
            case 404 -> "error.notFound";
            case 429 -> "error.tooMany";
            default -> status >= 500 ? "error.failed" : "error.invalid";
        };
        http.status(status);
        pages.render(http, "error.jte", Map.of("page", page, "headline", page.t().get(headline), "detail",
                status >= 500 ? "" : error.detail() == null ? "" : error.detail()));
    }
}
