package org.meridian.cases;

import java.util.List;

/**
 * Where cases of a category go: in a district ("" for anywhere else), to a lead department (主办) with
 * co-handling departments (协办).
 */
public record Routing(String tenant, String category, String district, String lead, List<String> coHandlers) {
    public Routing {
        coHandlers = List.copyOf(coHandlers);
    }
}
