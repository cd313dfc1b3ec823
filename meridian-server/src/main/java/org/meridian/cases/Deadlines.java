package org.meridian.cases;

import java.time.Instant;

/** When a stage is due, in the tenant's working time: what the case machine asks when a case enters a stage. */
public interface Deadlines {
    /** When a case of this category and urgency entering the state at {@code from} must leave it; null: no limit. */
    Instant due(String category, String urgency, CaseState entering, Instant from);

    /** The deadline moved on by working hours (an approved extension). */
    Instant extend(Instant deadline, int workingHours);

    /** No stage has a limit (tests of the machine alone). */
    Deadlines NONE = new Deadlines() {
        @Override
        public Instant due(String category, String urgency, CaseState entering, Instant from) {
            return null;
        }

        @Override
        public Instant extend(Instant deadline, int workingHours) {
            return deadline;
        }
    };
}
