package org.meridian.core.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.meridian.core.error.MeridianException;

/** Clause 4.10: geo-relationships evaluated exactly. */
class GeoQueryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Geometry geometry(String geoJson) throws Exception {
        return GeoJson.parse(JSON.readTree(geoJson));
    }

    @Test
    void haversineMatchesAKnownDistance() {
        // Beijing Tian'anmen to Shanghai People's Square: about 1,067 km.
        double metres = GeoQuery.haversine(39.9087, 116.3975, 31.2304, 121.4737);

        assertThat(metres).isBetween(1_060_000.0, 1_075_000.0);
    }

    @Test
    void nearBoundsAreInclusiveAndBothMayApply() throws Exception {
        GeoQuery ring = GeoQuery.parse("near;minDistance==100;maxDistance==200", "Point", "[116.0,39.0]", "location");
        double oneHundredFiftyMetresNorth = 150 / 111_195.0;

        assertThat(ring.matches(geometry("{\"type\":\"Point\",\"coordinates\":[116.0," + (39.0 + oneHundredFiftyMetresNorth) + "]}"))).isTrue();
        assertThat(ring.matches(geometry("{\"type\":\"Point\",\"coordinates\":[116.0,39.0]}"))).isFalse();
    }

    @Test
    void searchEnvelopeContainsEveryPossibleMatch() {
        GeoQuery near = GeoQuery.parse("near;maxDistance==1000", "Point", "[116.0,39.0]", "location");

        assertThat(near.searchEnvelope().getMinX()).isLessThan(116.0 - 1000 / 111_195.0);
        assertThat(near.searchEnvelope().getMaxY()).isGreaterThanOrEqualTo(39.0 + 1000 / 111_195.0 - 1e-9);
        assertThat((Object) GeoQuery.parse("disjoint", "Point", "[1,1]", "location").searchEnvelope()).isNull();
    }

    @Test
    void aQueryReachesExactlyTheAreasThatMayHoldItsMatches() throws Exception {
        Geometry west = geometry("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
        Geometry east = geometry("{\"type\":\"Polygon\",\"coordinates\":[[[2,0],[3,0],[3,1],[2,1],[2,0]]]}");
        GeoQuery inWest = GeoQuery.parse("within", "Polygon", "[[[0.2,0.2],[0.8,0.2],[0.8,0.8],[0.2,0.2]]]", "location");
        GeoQuery nearEast = GeoQuery.parse("near;maxDistance==5000", "Point", "[3.02,0.5]", "location");
        GeoQuery outsideWest = GeoQuery.parse("disjoint", "Polygon", "[[[-1,-1],[1.5,-1],[1.5,1.5],[-1,1.5],[-1,-1]]]", "location");

        assertThat(inWest.mayMatchWithin(west)).isTrue();
        assertThat(inWest.mayMatchWithin(east)).isFalse();
        assertThat(nearEast.mayMatchWithin(east)).isTrue();
        assertThat(nearEast.mayMatchWithin(west)).isFalse();
        assertThat(outsideWest.mayMatchWithin(west)).isFalse();
        assertThat(outsideWest.mayMatchWithin(east)).isTrue();
    }

    @Test
    void polygonsMustBeClosedRings() {
        assertThatThrownBy(() -> GeoQuery.parse("within", "Polygon", "[[[0,0],[1,0],[1,1],[0,1]]]", "location"))
                .isInstanceOf(MeridianException.class).hasMessageContaining("end at its first position");
    }

    @Test
    void selfIntersectingPolygonsAreComparedAsTheAreaTheyEnclose() throws Exception {
        GeoQuery bowtie = GeoQuery.parse("within", "Polygon", "[[[0,0],[1,1],[1,0],[0,1],[0,0]]]", "location");

        assertThat(bowtie.matches(geometry("{\"type\":\"Point\",\"coordinates\":[0.2,0.5]}"))).isTrue();
        assertThat(bowtie.matches(geometry("{\"type\":\"Point\",\"coordinates\":[0.5,0.2]}"))).isFalse();
        assertThat(GeoQuery.parse("equals", "Polygon", "[[[0,0],[1,1],[1,0],[0,1],[0,0]]]", "location")
                .matches(geometry("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"))).isTrue();
    }

    @Test
    void aRingThatFoldsOntoItselfEnclosesNothingAndIsRefused() {
        assertThatThrownBy(() -> GeoQuery.parse("within", "Polygon", "[[[0,0],[1,1],[2,2],[0,0]]]", "location"))
                .isInstanceOf(MeridianException.class).hasMessageContaining("encloses no area");
    }

    @Test
    void everyRelationIsEvaluated() throws Exception {
        Geometry square = geometry("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}");
        Geometry inside = geometry("{\"type\":\"Point\",\"coordinates\":[1,1]}");
        Geometry crossing = geometry("{\"type\":\"LineString\",\"coordinates\":[[1,1],[3,1]]}");

        assertThat(GeoQuery.parse("within", "Polygon", "[[[0,0],[2,0],[2,2],[0,2],[0,0]]]", "l").matches(inside)).isTrue();
        assertThat(GeoQuery.parse("contains", "Point", "[1,1]", "l").matches(square)).isTrue();
        assertThat(GeoQuery.parse("intersects", "Point", "[1,1]", "l").matches(crossing)).isTrue();
        assertThat(GeoQuery.parse("overlaps", "Polygon", "[[[1,1],[3,1],[3,3],[1,3],[1,1]]]", "l").matches(square)).isTrue();
        assertThat(GeoQuery.parse("disjoint", "Point", "[5,5]", "l").matches(square)).isTrue();
        assertThat(GeoQuery.parse("equals", "Point", "[1,1]", "l").matches(inside)).isTrue();
    }

    @Test
    void aQueryGeometryWithTooManyVerticesIsTooComplex() {
        StringBuilder ring = new StringBuilder("[[");
        for (int i = 0; i <= GeoQuery.MAX_VERTICES; i++) {
            double angle = 2 * Math.PI * i / (GeoQuery.MAX_VERTICES + 1);
            ring.append('[').append(120 + Math.cos(angle)).append(',').append(30 + Math.sin(angle)).append("],");
        }
        ring.append("[121.0,30.0]]]");
        assertThatThrownBy(() -> GeoQuery.parse("within", "Polygon", ring.toString(), "location"))
                .isInstanceOf(org.meridian.core.error.MeridianException.class).hasMessageContaining("10000 vertices");
    }
}
