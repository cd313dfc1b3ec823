package org.meridian.cases;

import java.time.Instant;
import java.util.List;

/** A case as lists show it: its state and who has it, without its history. */
public record CaseSummary(String id, String category, String urgency, CaseState state, String district, String lead,
                          List<String> coHandlers, String description, double longitude, double latitude, Instant deadline,
                          Instant createdAt, Instant updatedAt, Instant closedAt, long version) {
    public CaseSummary {
        coHandlers = List.copyOf(coHandlers);
    }
}
