package org.meridian.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.meridian.core.security.ReadScope.View;

/** Scopes combine as sharing needs: a department's own types or'ed with its grants, policies and'ed together. */
class ReadScopeTest {
    private static final Set<String> ALL_NAMES = Set.of("NO2", "PM10", "location", "notes", "temperature");

    private static Set<String> shown(View view) {
        return ALL_NAMES.stream().filter(view::shows).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void viewsOrAndAndAsTheSetsOfWhatTheyShow() {
        View allowNo2Location = View.only(Set.of("NO2", "location"));
        View allowPm10 = View.only(Set.of("PM10", "notes"));
        View exceptNotes = View.except(Set.of("notes"));
        View exceptNotesAndNo2 = View.except(Set.of("notes", "NO2"));
        List<View> views = List.of(View.EVERYTHING, allowNo2Location, allowPm10, exceptNotes, exceptNotesAndNo2,
                new View(Set.of("NO2", "notes"), Set.of("notes")));
        for (View a : views) {
            for (View b : views) {
                Set<String> union = new java.util.HashSet<>(shown(a));
                union.addAll(shown(b));
                Set<String> intersection = new java.util.HashSet<>(shown(a));
                intersection.retainAll(shown(b));
                assertThat(shown(a.or(b))).as("%s or %s", a, b).isEqualTo(union);
                assertThat(shown(a.and(b))).as("%s and %s", a, b).isEqualTo(intersection);
            }
        }
    }

    @Test
    void anEntityOfSeveralTypesShowsWhatAnyOfItsVisibleTypesShows() {
        ReadScope scope = new ReadScope(Map.of("AirQualityObserved", View.only(Set.of("NO2")), "Device", View.only(Set.of("notes"))));
        assertThat(scope.shows(List.of("AirQualityObserved"), "notes")).isFalse();
        assertThat(scope.shows(List.of("AirQualityObserved", "Device"), "notes")).isTrue();
        assertThat(scope.shows(List.of("Building"), "NO2")).as("an invisible type shows nothing").isFalse();
        assertThat(scope.and(ReadScope.ALL)).isEqualTo(scope);
        assertThat(scope.or(ReadScope.ALL)).isEqualTo(ReadScope.ALL);
        assertThat(scope.and(ReadScope.of("Device", View.EVERYTHING)).visibleTypes()).containsExactly("Device");
        assertThat(ReadScope.NOTHING.admitsType("Device")).isFalse();
    }
}
