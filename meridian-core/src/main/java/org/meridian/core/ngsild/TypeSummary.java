package org.meridian.core.ngsild;

import java.util.Map;
import java.util.Set;

/** Per type: how many entities, and which attributes they have with which attribute types. */
public record TypeSummary(String type, long entityCount, Map<String, Set<String>> attributeTypes) {
}
