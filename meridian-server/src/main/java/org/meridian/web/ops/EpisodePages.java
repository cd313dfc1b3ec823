package org.meridian.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;
import org.meridian.rules.EpisodeRecord;
import org.meridian.rules.RuleService;
import org.meridian.web.Pages;

/**
 * A rule episode's page: what opened it (the readings, each linked to its sensor's page), everything it caused in order
 * (the case, the alert, the entity changes, the notifications), the episodes before and after it in a cascade, and —
 * for those on duty — acknowledge and clear, as in the API.
 */
public final class EpisodePages implements Routes {
    private final RuleService rules;
    private final JsonLdContext context;
    private final Pages pages;

    public EpisodePages(RuleService rules, JsonLdContext context, Pages pages) {
        this.rules = rules;
        this.context = context;
        this.pages = pages;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops/episodes/{id}", this::episode, Access.READ_DATA);
        routes.post("/ops/episodes/{id}/acknowledge", http -> act(http, false), Access.READ_DATA);
        routes.post("/ops/episodes/{id}/clear", http -> act(http, true), Access.READ_DATA);
    }

    private void episode(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        String id = http.pathParam("id");
        EpisodeRecord episode = rules.episode(caller, id);
        ObjectNode trace = rules.trace(caller, id);
        // What the readings name is shown by its short name (…/precipitation → precipitation).
        for (JsonNode reading : trace.path("readings")) {
            if (reading instanceof ObjectNode item && item.hasNonNull("what")) {
                item.put("what", context.compactIri(item.get("what").asText()));
            }
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("episode", episode);
        model.put("trace", trace);
        pages.render(http, "ops/episode.jte", model);
    }

    private void act(Context http, boolean clear) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        String id = http.pathParam("id");
        if (clear) {
            rules.clear(caller, id);
        } else {
            rules.acknowledge(caller, id);
        }
        http.status(303).header("Location", "/ops/episodes/" + id);
    }
}
