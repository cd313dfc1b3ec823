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

    /**
     * Views limited to areas: an entity is shown where some view applies, with what that view shows; or-ing views of
     * different attributes in different places never shows more than either grants.
     */
    @Test
    void viewsLimitedToAreasShowNoMoreThanGrantedAnywhere() {
        ReadScope.Area west = new ReadScope.Area(120, 30, 120.5, 30.5);
        ReadScope.Area east = new ReadScope.Area(121, 30, 121.5, 30.5);
        View no2West = View.only(Set.of("NO2")).within(List.of(west));
        View pm10East = View.only(Set.of("PM10")).within(List.of(east));
        View no2East = View.only(Set.of("NO2")).within(List.of(east));
        org.locationtech.jts.geom.Envelope inWest = new org.locationtech.jts.geom.Envelope(120.1, 120.1, 30.2, 30.2);
        org.locationtech.jts.geom.Envelope inEast = new org.locationtech.jts.geom.Envelope(121.1, 121.1, 30.2, 30.2);
        org.locationtech.jts.geom.Envelope across = new org.locationtech.jts.geom.Envelope(120.4, 121.1, 30.2, 30.2);

        assertThat(View.EVERYTHING.or(no2West)).as("the owner's own view covers any grant").isEqualTo(View.EVERYTHING);
        View sameAttributes = no2West.or(no2East);
        assertThat(shown(sameAttributes)).containsExactly("NO2");
        assertThat(sameAttributes.admitsLocation(inWest) && sameAttributes.admitsLocation(inEast)).isTrue();
        assertThat(sameAttributes.admitsLocation(across)).as("partly outside both").isFalse();
        assertThat(sameAttributes.admitsLocation(null)).as("not located").isFalse();
        View mixed = no2West.or(pm10East);
        assertThat(shown(mixed)).as("neither NO2 in the east nor PM10 in the west was granted").isEmpty();
        assertThat(shown(no2West.or(View.only(Set.of("NO2", "PM10")).within(List.of(east, west))))).containsExactlyInAnyOrder("NO2", "PM10");
        View both = no2West.and(View.EVERYTHING.within(List.of(new ReadScope.Area(120.2, 29, 125, 31))));
        assertThat(both.areas()).containsExactly(new ReadScope.Area(120.2, 30, 120.5, 30.5));
        assertThat(no2West.and(no2East).areas()).as("no common place").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReadScope.Area(121, 30, 120, 31))
                .isInstanceOf(IllegalArgumentException.class);
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
