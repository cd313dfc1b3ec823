package org.meridian.federation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.meridian.broker.ContextSourceService;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;

/**
 * The nodes registered below this one: the live registrations made by {@link ParentRegistration} (they carry the
 * csource property {@code level}), each with its base URL and the key through which this node reads it.
 */
final class Children {
    static final String LEVEL = "https://uri.etsi.org/ngsi-ld/default-context/level";

    /** A child node. */
    record Child(String name, String level, String registrationId, String base, String apiKey, String owner) {
    }

    private final ContextSourceService sources;

    Children(ContextSourceService sources) {
        this.sources = sources;
    }

    List<Child> of(String tenant) {
        List<ContextSourceService.Shown> registered;
        try {
            registered = sources.query(Caller.system(tenant, FederationCapability.NAME),
                    new RegistrationFilter(null, null, null, null, null, null, null, null));
        } catch (MeridianException e) {
            return List.of(); // no tenant yet: no children
        }
        List<Child> children = new ArrayList<>();
        for (ContextSourceService.Shown shown : registered) {
            Registration registration = shown.parsed().registration();
            JsonNode level = registration.properties().path(LEVEL).path(0).path("value");
            // Only what a child node registered of itself (its id follows its source identity) and a client made:
            // another registration with a "level" does not get to add figures to this node's totals.
            if (!level.isTextual() || !registration.id().startsWith(ParentRegistration.ID_PREFIX) || shown.row().owner() == null
                    || shown.row().owner().isEmpty()) {
                continue;
            }
            String base = registration.endpoint().replaceAll("/+$", "").replaceAll("/ngsi-ld/v1$", "");
            children.add(new Child(registration.name() == null ? registration.id() : registration.name(), level.asText(),
                    registration.id(), base, registration.contextSourceInfo().get("X-Api-Key"), shown.row().owner()));
        }
        return children;
    }

    /** The child node the caller is: the one whose registration the caller's client made. */
    java.util.Optional<String> nameOf(Caller caller) {
        return of(caller.tenant()).stream().filter(child -> child.owner().equals(caller.subject())).map(Child::name).findFirst();
    }
}
