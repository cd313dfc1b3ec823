package org.meridian.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.query.TypeExpression.AllOf;
import org.meridian.core.query.TypeExpression.AnyOf;
import org.meridian.core.query.TypeExpression.TypeName;

class TypeExpressionTest {
    private static final UnaryOperator<String> EXAMPLE_ORG = name -> "https://ex.org/" + name;

    private static TypeName type(String name) {
        return new TypeName(name);
    }

    @Test
    void commasAndBarsAreOrSemicolonsAreAndAndBindTighter() {
        assertThat(TypeExpression.parse("Building")).isEqualTo(type("Building"));
        assertThat(TypeExpression.parse("Building,House|Shed")).isEqualTo(new AnyOf(List.of(type("Building"),
                type("House"), type("Shed"))));
        assertThat(TypeExpression.parse("Home;Vehicle")).isEqualTo(new AllOf(List.of(type("Home"), type("Vehicle"))));
        assertThat(TypeExpression.parse("Home;Vehicle,Motorhome")).isEqualTo(new AnyOf(List.of(
                new AllOf(List.of(type("Home"), type("Vehicle"))), type("Motorhome"))));
        assertThat(TypeExpression.parse("Home;(Vehicle|Motorhome)")).isEqualTo(new AllOf(List.of(type("Home"),
                new AnyOf(List.of(type("Vehicle"), type("Motorhome"))))));
        assertThat(TypeExpression.parse("(A;B);C")).isEqualTo(new AllOf(List.of(type("A"), type("B"), type("C"))));
    }

    @Test
    void typeNamesMayBePrefixedNamesOrIris() {
        assertThat(TypeExpression.parse("schema:Place,https://example.org/v1.0/Type#A")).isEqualTo(new AnyOf(List.of(
                type("schema:Place"), type("https://example.org/v1.0/Type#A"))));
    }

    @Test
    void namesListsEveryTypeOnceInOrder() {
        assertThat(TypeExpression.parse("(B;A)|C,A").names()).containsExactly("B", "A", "C");
    }

    @Test
    void typeNamesUnderOneOperatorShareOneArrayParameter() {
        List<Object> parameters = new ArrayList<>();

        assertThat(TypeExpression.parse("A").toSql("types", parameters, EXAMPLE_ORG)).isEqualTo("types @> ?::text[]");
        assertThat(TypeExpression.parse("A,B|A").toSql("e.types", parameters, EXAMPLE_ORG))
                .isEqualTo("e.types && ?::text[]");
        assertThat(TypeExpression.parse("A;B").toSql("types", parameters, EXAMPLE_ORG)).isEqualTo("types @> ?::text[]");

        assertThat(parameters).containsExactly(
                new String[] {"https://ex.org/A"},
                new String[] {"https://ex.org/A", "https://ex.org/B"},
                new String[] {"https://ex.org/A", "https://ex.org/B"});
    }

    @Test
    void compoundSelectionsAreParenthesisedWithParametersInPlaceholderOrder() {
        List<Object> parameters = new ArrayList<>();

        String sql = TypeExpression.parse("(A;B)|C|(D;(E,F))").toSql("types", parameters, EXAMPLE_ORG);

        assertThat(sql).isEqualTo("(types && ?::text[] OR types @> ?::text[] OR (types @> ?::text[] AND types && ?::text[]))");
        assertThat(parameters).containsExactly(
                new String[] {"https://ex.org/C"},
                new String[] {"https://ex.org/A", "https://ex.org/B"},
                new String[] {"https://ex.org/D"},
                new String[] {"https://ex.org/E", "https://ex.org/F"});
    }

    @Test
    void onlyPlainColumnNamesAreAccepted() {
        assertThatThrownBy(() -> TypeExpression.parse("A").toSql("types; DROP TABLE entity", new ArrayList<>(), EXAMPLE_ORG))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '§', quoteCharacter = '`', textBlock = """
            ``      § position 0: expected an entity type but found the end of type
            A,      § position 2: expected an entity type but found the end of type
            A;;B    § position 2: expected an entity type but found ';'
            (A;B    § position 4: expected ';', '|', ',' or ')' closing the '(' at position 0 but found the end of type
            A)      § position 1: expected ';', '|', ',' or the end of type but found ')'
            A B     § position 1: expected ';', '|', ',' or the end of type but found the character U+0020
            """)
    void syntaxErrorsAreBadRequestDataSayingWhere(String type, String expectedDetail) {
        assertThatThrownBy(() -> TypeExpression.parse(type))
                .isInstanceOfSatisfying(MeridianException.class, error -> {
                    assertThat(error.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
                    assertThat(error.detail()).isEqualTo("Invalid type at " + expectedDetail);
                });
    }

    @Test
    void deepNestingIsTooComplex() {
        String nested = "(".repeat(SyntaxCursor.MAX_NESTING_DEPTH + 1) + "A" + ")".repeat(SyntaxCursor.MAX_NESTING_DEPTH + 1);

        assertThatThrownBy(() -> TypeExpression.parse(nested)).isInstanceOfSatisfying(MeridianException.class,
                error -> assertThat(error.type()).isEqualTo(ErrorType.TOO_COMPLEX_QUERY));
    }
}
