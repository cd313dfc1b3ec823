package org.meridian.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.query.ScopeQuery.AllOf;
import org.meridian.core.query.ScopeQuery.AnyOf;
import org.meridian.core.query.ScopeQuery.ScopePattern;

class ScopeQueryTest {

    private static ScopePattern pattern(boolean includeDescendants, String... levels) {
        return new ScopePattern(List.of(levels), includeDescendants);
    }

    @Test
    void parsesPatternsAndLogicalOperators() {
        assertThat(ScopeQuery.parse("/Madrid/Gardens/ParqueNorte")).isEqualTo(pattern(false, "Madrid", "Gardens", "ParqueNorte"));
        assertThat(ScopeQuery.parse("/Madrid/Gardens/#")).isEqualTo(pattern(true, "Madrid", "Gardens"));
        assertThat(ScopeQuery.parse("/Madrid/+/ParqueNorte")).isEqualTo(pattern(false, "Madrid", "+", "ParqueNorte"));
        assertThat(ScopeQuery.parse("/#")).isEqualTo(pattern(true));
        assertThat(ScopeQuery.parse("(/Madrid/Districts;/CompanyA)|/CompanyB")).isEqualTo(new AnyOf(List.of(
                new AllOf(List.of(pattern(false, "Madrid", "Districts"), pattern(false, "CompanyA"))),
                pattern(false, "CompanyB"))));
        assertThat(ScopeQuery.parse("/A,/B|/C")).isEqualTo(new AnyOf(List.of(pattern(false, "A"), pattern(false, "B"),
                pattern(false, "C"))));
        assertThat(ScopeQuery.parse("/Ávila_2/x")).isEqualTo(pattern(false, "Ávila_2", "x"));
        assertThat(pattern(true, "Madrid", "+").text()).isEqualTo("/Madrid/+/#");
    }

    @ParameterizedTest(name = "{0} on {1} is {2}")
    @CsvSource(delimiter = '§', textBlock = """
            /Madrid/Gardens                 § /Madrid/Gardens                       § true
            /Madrid/Gardens                 § /Madrid/Gardens/ParqueNorte           § false
            /Madrid/Gardens/#               § /Madrid/Gardens                       § true
            /Madrid/Gardens/#               § /Madrid/Gardens/ParqueNorte/Parterre1 § true
            /Madrid/Gardens/#               § /Madrid/GardensSur                    § false
            /Madrid/+                       § /Madrid/Sights                        § true
            /Madrid/+                       § /Madrid                               § false
            /Madrid/+                       § /Madrid/Sights/ParqueNorte            § false
            /Madrid/+/ParqueNorte           § /Madrid/Sights/ParqueNorte            § true
            /+/#                            § /Madrid                               § true
            /#                              § /Anything                             § true
            /#                              §                                       § false
            /Madrid/Districts;/CompanyA     § /Madrid/Districts,/CompanyA           § true
            /Madrid/Districts;/CompanyA     § /Madrid/Districts                     § false
            (/Madrid;/CompanyA)|/CompanyB   § /CompanyB                             § true
            /Paris,/Madrid/#                § /Madrid/Gardens                       § true
            """)
    void matchesWhenAnyScopeMatchesEachTerm(String scopeQ, String scopes, boolean expected) {
        List<String> entityScopes = scopes == null ? List.of() : Arrays.asList(scopes.split(","));

        assertThat(ScopeQuery.parse(scopeQ).matches(entityScopes)).isEqualTo(expected);
    }

    @Test
    void exactScopesUseArrayOperatorsAndWildcardsUseRegularExpressions() {
        List<Object> parameters = new ArrayList<>();

        assertThat(ScopeQuery.parse("/Madrid/Gardens").toSql("scopes", parameters)).isEqualTo("scopes @> ?::text[]");
        assertThat(ScopeQuery.parse("/#").toSql("scopes", parameters)).isEqualTo("cardinality(scopes) > 0");
        assertThat(ScopeQuery.parse("/Madrid/#").toSql("scopes", parameters))
                .isEqualTo("EXISTS (SELECT 1 FROM unnest(scopes) AS entity_scope WHERE entity_scope ~ ?)");
        assertThat(ScopeQuery.parse("/Madrid/+/Parque_Norte").toSql("scopes", parameters))
                .isEqualTo("EXISTS (SELECT 1 FROM unnest(scopes) AS entity_scope WHERE entity_scope ~ ?)");

        assertThat(parameters).containsExactly(new String[] {"/Madrid/Gardens"}, "^/Madrid(/.*)?$",
                "^/Madrid/[^/]+/Parque_Norte$");
    }

    @Test
    void exactScopesUnderOneOperatorShareOneArrayParameter() {
        List<Object> parameters = new ArrayList<>();

        String sql = ScopeQuery.parse("/A,/B,(/C;/D;/E/#)").toSql("e.scopes", parameters);

        assertThat(sql).isEqualTo("(e.scopes && ?::text[] OR (e.scopes @> ?::text[]"
                + " AND EXISTS (SELECT 1 FROM unnest(e.scopes) AS entity_scope WHERE entity_scope ~ ?)))");
        assertThat(parameters).containsExactly(new String[] {"/A", "/B"}, new String[] {"/C", "/D"}, "^/E(/.*)?$");
    }

    @Test
    void patternsHoldOnlyValidLevelsAndColumnsMustBePlainNames() {
        assertThatThrownBy(() -> pattern(false, "a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pattern(false, ".*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pattern(false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScopeQuery.parse("/A").toSql("scopes)", new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '§', quoteCharacter = '`', textBlock = """
            ``            § position 0: expected a scope starting with '/' but found the end of scopeQ
            Madrid        § position 0: expected a scope starting with '/' but found 'M'
            /Madrid/      § position 8: expected a scope level, '+' or '#' but found the end of scopeQ
            /Mad-rid      § position 4: expected ';', '|', ',' or the end of scopeQ but found '-'
            /Madrid/#/x   § position 9: expected ';', '|', ',' or the end of scopeQ but found '/'
            (/A;/B        § position 6: expected ';', '|', ',' or ')' closing the '(' at position 0 but found the end of scopeQ
            """)
    void syntaxErrorsAreBadRequestDataSayingWhere(String scopeQ, String expectedDetail) {
        assertThatThrownBy(() -> ScopeQuery.parse(scopeQ))
                .isInstanceOfSatisfying(MeridianException.class, error -> {
                    assertThat(error.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
                    assertThat(error.detail()).isEqualTo("Invalid scopeQ at " + expectedDetail);
                });
    }
}
