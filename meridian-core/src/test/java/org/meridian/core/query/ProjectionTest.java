package org.meridian.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

class ProjectionTest {
    @Test
    void membersWithLinkedProjectionsNestInBraces() {
        Projection projection = Projection.parse("pick", "id,locatedAt{name,isInCountry{id,description}},type");
        assertThat(projection.names()).containsExactly("id", "locatedAt", "type");
        Projection city = projection.members().get(1).linked();
        assertThat(city.names()).containsExactly("name", "isInCountry");
        assertThat(city.members().get(1).linked().names()).containsExactly("id", "description");
        assertThat(projection.members().getFirst().linked()).isNull();
    }

    @Test
    void fullIrisAreNames() {
        assertThat(Projection.parse("omit", "https://ex.org/speed#a").names()).containsExactly("https://ex.org/speed#a");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"id;name", "id,locatedAt{name", "id,locatedAt{{name}", "id,,name", "id,locatedAt{,name}",
            "id,locatedAt{}", ",id", "id,", "id,name,name", "a}", "a b"})
    void malformedProjectionsAreBadRequestData(String text) {
        assertThatThrownBy(() -> Projection.parse("pick", text)).isInstanceOf(MeridianException.class)
                .satisfies(e -> assertThat(((MeridianException) e).code()).isEqualTo(ErrorType.BAD_REQUEST_DATA))
                .hasMessageContaining("pick");
    }

    @Test
    void nestingAndLengthAreBounded() {
        String deep = "a{".repeat(Projection.MAX_DEPTH + 1) + "b" + "}".repeat(Projection.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Projection.parse("pick", deep)).hasMessageContaining("levels");
        assertThatThrownBy(() -> Projection.parse("pick", "a,".repeat(3000) + "b")).hasMessageContaining("longer");
    }

    @Test
    void orderByKeysTakeDirectionsAndMembers() {
        OrderBy order = OrderBy.parse("type;asc,name.subProperty;desc,name.observedAt,createdAt", name -> "https://ex.org/" + name);
        assertThat(order.keys()).containsExactly(
                new OrderBy.Key(OrderBy.Target.TYPE, null, null, false),
                new OrderBy.Key(OrderBy.Target.ATTRIBUTE, "https://ex.org/name", "https://ex.org/subProperty", true),
                new OrderBy.Key(OrderBy.Target.ATTRIBUTE, "https://ex.org/name", "observedAt", false),
                new OrderBy.Key(OrderBy.Target.CREATED_AT, null, null, false));
        for (String bad : List.of("name;up", "name;asc;desc", "", "a.b.c", "name.", "na me")) {
            assertThatThrownBy(() -> OrderBy.parse(bad, name -> name)).as(bad).isInstanceOf(MeridianException.class);
        }
    }
}
