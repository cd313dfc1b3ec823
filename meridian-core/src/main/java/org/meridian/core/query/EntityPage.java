package org.meridian.core.query;

import java.util.List;
import org.meridian.core.ngsild.Entity;

/** A page of entities and, when asked for, the total number that match. */
public record EntityPage(List<Entity> entities, Long totalCount) {
}
