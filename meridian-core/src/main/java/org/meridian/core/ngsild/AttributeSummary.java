package org.meridian.core.ngsild;

import java.util.Set;

/** Per attribute: how many entities have it, of which entity types, with which attribute types. */
public record AttributeSummary(String attribute, long entityCount, Set<String> entityTypes, Set<String> attributeTypes) {
}
