package org.meridian.web.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meridian.cases.CaseKpis;
import org.meridian.cases.CaseService;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.web.Dates;

/** The case indicators the operations centre shows: this month's, per department and over all of them. */
final class CaseIndicators {
    static final List<String> RATES = List.of("responseRate", "resolutionRate", "satisfactionRate", "onTimeClosureRate");

    private CaseIndicators() {
    }

    /** This month's figures per department the caller may see; null when they may see none. */
    static Map<String, CaseKpis.Figures> thisMonth(CaseService cases, Caller caller, Instant now) {
        if (!caller.has(Role.DISPATCHER) && !caller.unrestricted() && caller.departments().isEmpty()) {
            return null;
        }
        Instant monthStart = now.atZone(Dates.zone()).withDayOfMonth(1).toLocalDate().atStartOfDay(Dates.zone()).toInstant();
        try {
            return cases.kpis(caller, monthStart, now.plusSeconds(1), CaseService.Grouping.DEPARTMENT, null);
        } catch (MeridianException refused) {
            return null;
        }
    }

    /** The tiles: cases reported and closed, and each rate weighted by what it counts over. */
    static List<MapPages.Tile> tiles(Map<String, CaseKpis.Figures> figures) {
        int reported = 0;
        int closures = 0;
        double[] rates = new double[4];
        double[] weights = new double[4];
        for (CaseKpis.Figures one : figures.values()) {
            reported += one.reported();
            closures += one.closures();
            add(rates, weights, 0, one.responseRate(), one.dispatches());
            add(rates, weights, 1, one.resolutionRate(), one.ratings());
            add(rates, weights, 2, one.satisfactionRate(), one.ratings());
            add(rates, weights, 3, one.onTimeClosureRate(), one.closures());
        }
        List<MapPages.Tile> tiles = new ArrayList<>();
        tiles.add(new MapPages.Tile("reported", (double) reported, false));
        tiles.add(new MapPages.Tile("closures", (double) closures, false));
        for (int i = 0; i < RATES.size(); i++) {
            tiles.add(new MapPages.Tile(RATES.get(i), weights[i] == 0 ? null : rates[i] / weights[i], true));
        }
        return tiles;
    }

    private static void add(double[] sums, double[] weights, int i, Double rate, int weight) {
        if (rate != null && weight > 0) {
            sums[i] += rate * weight;
            weights[i] += weight;
        }
    }
}
