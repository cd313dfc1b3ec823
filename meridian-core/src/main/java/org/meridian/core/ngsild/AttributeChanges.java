package org.meridian.core.ngsild;

import java.util.ArrayList;
import java.util.List;

/**
 * What an attribute operation did, in the shape of the NGSI-LD UpdateResult: the attributes written and those left
 * alone with the reason. Names are expanded IRIs; the HTTP layer compacts them.
 */
public final class AttributeChanges {
    public record NotUpdated(String attributeName, String reason) {
    }

    private final List<String> updated = new ArrayList<>();
    private final List<NotUpdated> notUpdated = new ArrayList<>();

    public void updated(String attributeIri) {
        updated.add(attributeIri);
    }

    public void notUpdated(String attributeIri, String reason) {
        notUpdated.add(new NotUpdated(attributeIri, reason));
    }

    public List<String> updated() {
        return List.copyOf(updated);
    }

    public List<NotUpdated> notUpdated() {
        return List.copyOf(notUpdated);
    }

    public boolean complete() {
        return notUpdated.isEmpty();
    }
}
