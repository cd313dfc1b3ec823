package org.meridian.web.portal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.identity.Administration;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Routes;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.Sharing;
import org.meridian.web.Pages;

/** The city's open data for people: what is published, by whom, how often, and where to fetch it (no sign-in). */
public final class OpenDataPage implements Routes {
    private final Sharing sharing;
    private final Administration administration;
    private final JsonLdContext context;
    private final Pages pages;

    public OpenDataPage(Sharing sharing, Administration administration, JsonLdContext context, Pages pages) {
        this.sharing = sharing;
        this.administration = administration;
        this.context = context;
        this.pages = pages;
    }

    /** A published dataset as the page lists it. */
    public record Published(String type, String title, String description, String publisher, String frequency, boolean hourly) {
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/portal/open-data", this::page, Access.PUBLIC);
    }

    private void page(Context http) {
        String tenant = Pages.tenant(http);
        Map<String, String> names = administration.departmentNames(tenant);
        List<Published> published = sharing.datasets(Caller.anonymous(tenant)).stream().filter(Dataset::published)
                .map(d -> new Published(context.compactIri(d.entityType()), d.title(), d.description(),
                        names.getOrDefault(d.owner(), d.owner()), d.updateFrequency(), d.openHourly()))
                .sorted(java.util.Comparator.comparing(Published::title)).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("datasets", published);
        pages.render(http, "portal/open-data.jte", model);
    }
}
