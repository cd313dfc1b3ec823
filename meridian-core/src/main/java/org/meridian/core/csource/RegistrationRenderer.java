package org.meridian.core.csource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.core.jsonld.JsonLdContext;

/**
 * A registration as a reader sees it: as sent, with its entity types and attribute names in the terms of the reader's
 * @context (full IRIs without one), as every NGSI-LD answer is compacted.
 */
public final class RegistrationRenderer {
    private RegistrationRenderer() {
    }

    public static ObjectNode render(ObjectNode body, Registration registration, JsonLdContext shownWith) {
        return withInformation(body, registration, shownWith::compactIri);
    }

    /**
     * The body to store: its information with full IRIs, so that it reads the same whatever @context a later update
     * comes with.
     */
    public static ObjectNode expanded(ObjectNode body, Registration registration) {
        return withInformation(body, registration, UnaryOperator.identity());
    }

    private static ObjectNode withInformation(ObjectNode body, Registration registration, UnaryOperator<String> name) {
        ObjectNode out = body.deepCopy();
        ArrayNode information = out.putArray("information");
        for (Registration.Info info : registration.information()) {
            ObjectNode shown = information.addObject();
            if (!info.entities().isEmpty()) {
                ArrayNode entities = shown.putArray("entities");
                for (Registration.EntityInfo entity : info.entities()) {
                    ObjectNode entityInfo = entities.addObject();
                    if (entity.id() != null) {
                        entityInfo.put("id", entity.id());
                    }
                    if (entity.idPattern() != null) {
                        entityInfo.put("idPattern", entity.idPattern());
                    }
                    entityInfo.put("type", name.apply(entity.type()));
                }
            }
            names(shown, "propertyNames", info.propertyNames(), name);
            names(shown, "relationshipNames", info.relationshipNames(), name);
        }
        return out;
    }

    private static void names(ObjectNode info, String member, Set<String> names, UnaryOperator<String> name) {
        if (!names.isEmpty()) {
            ArrayNode array = info.putArray(member);
            names.forEach(each -> array.add(name.apply(each)));
        }
    }
}
