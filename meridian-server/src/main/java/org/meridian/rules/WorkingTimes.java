package org.meridian.rules;

import java.time.Instant;
import java.util.function.Predicate;

/** Each tenant's working hours for rules' working-time conditions: whether a moment is working time there. */
@FunctionalInterface
public interface WorkingTimes {
    Predicate<Instant> of(String tenant);
}
