package org.meridian.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.query.QueryExpression.And;
import org.meridian.core.query.QueryExpression.Comparison;
import org.meridian.core.query.QueryExpression.Exists;
import org.meridian.core.query.QueryExpression.NotExists;
import org.meridian.core.query.QueryExpression.Or;
import org.meridian.core.query.QueryLiteral.BooleanLiteral;
import org.meridian.core.query.QueryLiteral.DateLiteral;
import org.meridian.core.query.QueryLiteral.DateTimeLiteral;
import org.meridian.core.query.QueryLiteral.NumberLiteral;
import org.meridian.core.query.QueryLiteral.TextLiteral;
import org.meridian.core.query.QueryLiteral.TimeLiteral;

class QueryParserTest {
    private static final int MAX_TERMS = 100;

    private static QueryExpression parse(String q) {
        return QueryParser.parse(q, MAX_TERMS);
    }

    private static Exists exists(String attribute) {
        return new Exists(AttributePath.of(attribute));
    }

    private static Comparison comparison(String attribute, ComparisonOperator operator, QueryLiteral literal) {
        return new Comparison(AttributePath.of(attribute), operator, new QueryValue.Single(literal));
    }

    private static NumberLiteral number(String text) {
        return new NumberLiteral(new BigDecimal(text));
    }

    private static QueryLiteral singleLiteral(String q) {
        return ((QueryValue.Single) ((Comparison) parse(q)).value()).literal();
    }

    @Test
    void attributeAloneTestsExistenceAndBangTestsAbsence() {
        assertThat(parse("temperature")).isEqualTo(exists("temperature"));
        assertThat(parse("!temperature")).isEqualTo(new NotExists(AttributePath.of("temperature")));
    }

    @ParameterizedTest
    @EnumSource(value = ComparisonOperator.class, names = {"EQUAL", "NOT_EQUAL", "GREATER", "GREATER_OR_EQUAL", "LESS",
            "LESS_OR_EQUAL"})
    void everyComparisonOperatorIsRecognised(ComparisonOperator operator) {
        assertThat(parse("speed" + operator.symbol() + "50"))
                .isEqualTo(comparison("speed", operator, number("50")));
    }

    @Test
    void patternOperatorsTakeQuotedOrUnquotedRegularExpressions() {
        assertThat(parse("brandName~=\".*Ok\""))
                .isEqualTo(comparison("brandName", ComparisonOperator.MATCHES, new TextLiteral(".*Ok")));
        assertThat(parse("brandName!~=^urn:.*\\d+$"))
                .isEqualTo(comparison("brandName", ComparisonOperator.NOT_MATCHES, new TextLiteral("^urn:.*\\d+$")));
        assertThat(parse("(name~=a(b|c)d)"))
                .isEqualTo(comparison("name", ComparisonOperator.MATCHES, new TextLiteral("a(b|c)d")));
        assertThat(parse("name~=ab|c"))
                .isEqualTo(new Or(List.of(comparison("name", ComparisonOperator.MATCHES, new TextLiteral("ab")),
                        exists("c"))));
        assertThat(parse("name~=\"\""))
                .isEqualTo(comparison("name", ComparisonOperator.MATCHES, new TextLiteral("")));
    }

    @Test
    void andBindsTighterThanOr() {
        assertThat(parse("a;b|c;d")).isEqualTo(new Or(List.of(
                new And(List.of(exists("a"), exists("b"))),
                new And(List.of(exists("c"), exists("d"))))));
    }

    @Test
    void parenthesesGroupAndSameOperatorsFlatten() {
        assertThat(parse("a;(b|c)")).isEqualTo(new And(List.of(exists("a"), new Or(List.of(exists("b"), exists("c"))))));
        assertThat(parse("(a;b);c")).isEqualTo(new And(List.of(exists("a"), exists("b"), exists("c"))));
        assertThat(parse("a|(b|(c))")).isEqualTo(new Or(List.of(exists("a"), exists("b"), exists("c"))));
        assertThat(parse("((speed>50|rpm>3000);brandName==\"Mercedes\")")).isEqualTo(new And(List.of(
                new Or(List.of(comparison("speed", ComparisonOperator.GREATER, number("50")),
                        comparison("rpm", ComparisonOperator.GREATER, number("3000")))),
                comparison("brandName", ComparisonOperator.EQUAL, new TextLiteral("Mercedes")))));
    }

    @Test
    void attributePathsHaveSubAttributesKeywordsAndCompoundPaths() {
        assertThat(parse("a.b.c")).isEqualTo(new Exists(new AttributePath("a", List.of("b", "c"), Optional.empty(),
                List.of())));
        assertThat(parse("temperature.observedAt")).isEqualTo(new Exists(new AttributePath("temperature", List.of(),
                Optional.of(MetadataKeyword.OBSERVED_AT), List.of())));
        assertThat(parse("a.sub.unitCode")).isEqualTo(new Exists(new AttributePath("a", List.of("sub"),
                Optional.of(MetadataKeyword.UNIT_CODE), List.of())));
        assertThat(parse("address[city]")).isEqualTo(new Exists(new AttributePath("address", List.of(),
                Optional.empty(), List.of("city"))));
        assertThat(parse("sensor.rawdata[airquality.particulate]==40")).isEqualTo(new Comparison(
                new AttributePath("sensor", List.of("rawdata"), Optional.empty(), List.of("airquality", "particulate")),
                ComparisonOperator.EQUAL, new QueryValue.Single(number("40"))));
        assertThat(parse("a[x][y.z]")).isEqualTo(new Exists(new AttributePath("a", List.of(), Optional.empty(),
                List.of("x", "y", "z"))));
        assertThat(parse("a[@value]")).isEqualTo(new Exists(new AttributePath("a", List.of(), Optional.empty(),
                List.of("@value"))));
    }

    @Test
    void namesMayBeUnicodeTermsPrefixedNamesOrFullIris() {
        assertThat(parse("température_2")).isEqualTo(exists("température_2"));
        assertThat(parse("schema:name.ngsi-ld:sub")).isEqualTo(new Exists(new AttributePath("schema:name",
                List.of("ngsi-ld:sub"), Optional.empty(), List.of())));
        assertThat(parse("https://example.org/v1.2/a#b==1"))
                .isEqualTo(comparison("https://example.org/v1.2/a#b", ComparisonOperator.EQUAL, number("1")));
        assertThat(parse("https://example.org/address[city]")).isEqualTo(new Exists(new AttributePath(
                "https://example.org/address", List.of(), Optional.empty(), List.of("city"))));
    }

    @Test
    void quotedStringsAreJsonStrings() {
        assertThat(singleLiteral("a==\"x \\\"y\\\" \\\\ \\/ \\u00e9\\n;|)\""))
                .isEqualTo(new TextLiteral("x \"y\" \\ / é\n;|)"));
        assertThat(singleLiteral("a==\"\"")).isEqualTo(new TextLiteral(""));
    }

    @Test
    void unquotedValuesAreNumbersBooleansTemporalsOrText() {
        assertThat(singleLiteral("a==-1.5e3")).isEqualTo(number("-1.5e3"));
        assertThat(singleLiteral("a==0")).isEqualTo(number("0"));
        assertThat(singleLiteral("a==1e1000")).isEqualTo(number("1e1000"));
        assertThat(singleLiteral("a==true")).isEqualTo(new BooleanLiteral(true));
        assertThat(singleLiteral("a==false")).isEqualTo(new BooleanLiteral(false));
        assertThat(singleLiteral("a==urn:ngsi-ld:Building:1")).isEqualTo(new TextLiteral("urn:ngsi-ld:Building:1"));
        assertThat(singleLiteral("a==https://example.org/x.y?z")).isEqualTo(new TextLiteral("https://example.org/x.y?z"));
        assertThat(singleLiteral("a==-abc")).isEqualTo(new TextLiteral("-abc"));
    }

    @Test
    void temporalLiteralsAreNormalisedToUtcAndMicroseconds() {
        assertThat(singleLiteral("a.observedAt>=2017-12-24T12:00:00Z"))
                .isEqualTo(new DateTimeLiteral(Instant.parse("2017-12-24T12:00:00Z")));
        assertThat(singleLiteral("a>2017-12-24T12:00:00+02:00"))
                .isEqualTo(new DateTimeLiteral(Instant.parse("2017-12-24T10:00:00Z")));
        assertThat(singleLiteral("a>2017-12-24T12:00:00"))
                .isEqualTo(new DateTimeLiteral(Instant.parse("2017-12-24T12:00:00Z")));
        assertThat(singleLiteral("a>2017-12-24T12:00:00.123456789Z"))
                .isEqualTo(new DateTimeLiteral(Instant.parse("2017-12-24T12:00:00.123456Z")));
        assertThat(singleLiteral("a<2018-12-04")).isEqualTo(new DateLiteral(LocalDate.of(2018, 12, 4)));
        assertThat(singleLiteral("a<12:00:00Z")).isEqualTo(new TimeLiteral(LocalTime.NOON));
        assertThat(singleLiteral("a<01:30:00+02:00")).isEqualTo(new TimeLiteral(LocalTime.of(23, 30)));
    }

    @Test
    void equalityTakesValueListsAndRanges() {
        assertThat(parse("color==\"black\",\"red\",3")).isEqualTo(new Comparison(AttributePath.of("color"),
                ComparisonOperator.EQUAL, new QueryValue.ValueList(List.of(new TextLiteral("black"),
                new TextLiteral("red"), number("3")))));
        assertThat(parse("temperature!=10..20.5")).isEqualTo(new Comparison(AttributePath.of("temperature"),
                ComparisonOperator.NOT_EQUAL, new QueryValue.Range(number("10"), number("20.5"))));
        assertThat(parse("a.observedAt==2024-01-01T00:00:00Z..2024-02-01T00:00:00.5Z")).isEqualTo(new Comparison(
                new AttributePath("a", List.of(), Optional.of(MetadataKeyword.OBSERVED_AT), List.of()),
                ComparisonOperator.EQUAL, new QueryValue.Range(
                new DateTimeLiteral(Instant.parse("2024-01-01T00:00:00Z")),
                new DateTimeLiteral(Instant.parse("2024-02-01T00:00:00.5Z")))));
        assertThat(parse("a==\"a\"..\"z\"")).isEqualTo(new Comparison(AttributePath.of("a"), ComparisonOperator.EQUAL,
                new QueryValue.Range(new TextLiteral("a"), new TextLiteral("z"))));
    }

    @Test
    void expansionMapsAttributeAndSubAttributeNamesOnly() {
        QueryExpression expanded = QueryParser.parse("a.b.observedAt>1;c[x.y]==2", MAX_TERMS, name -> "https://ex.org/" + name);

        assertThat(expanded).isEqualTo(new And(List.of(
                new Comparison(new AttributePath("https://ex.org/a", List.of("https://ex.org/b"),
                        Optional.of(MetadataKeyword.OBSERVED_AT), List.of()), ComparisonOperator.GREATER,
                        new QueryValue.Single(number("1"))),
                new Comparison(new AttributePath("https://ex.org/c", List.of(), Optional.empty(), List.of("x", "y")),
                        ComparisonOperator.EQUAL, new QueryValue.Single(number("2"))))));
    }

    @Test
    void moreTermsThanAllowedIsTooComplex() {
        assertThat(QueryParser.parse("a;b==1|!c", 3)).isInstanceOf(Or.class);
        assertThatThrownBy(() -> QueryParser.parse("a;b==1|!c;d", 3))
                .isInstanceOfSatisfying(MeridianException.class, error -> {
                    assertThat(error.type()).isEqualTo(ErrorType.TOO_COMPLEX_QUERY);
                    assertThat(error.detail()).contains("more than 3 terms");
                });
        assertThatThrownBy(() -> QueryParser.parse("a==1,2,3,4", 3))
                .isInstanceOfSatisfying(MeridianException.class,
                        error -> assertThat(error.type()).isEqualTo(ErrorType.TOO_COMPLEX_QUERY));
    }

    @Test
    void deepNestingIsTooComplex() {
        String nested = "(".repeat(SyntaxCursor.MAX_NESTING_DEPTH + 1) + "a" + ")".repeat(SyntaxCursor.MAX_NESTING_DEPTH + 1);

        assertThat(parse(nested.substring(1, nested.length() - 1))).isEqualTo(exists("a"));
        assertThatThrownBy(() -> parse(nested)).isInstanceOfSatisfying(MeridianException.class,
                error -> assertThat(error.type()).isEqualTo(ErrorType.TOO_COMPLEX_QUERY));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '§', quoteCharacter = '`', textBlock = """
            ``                    § position 0: expected an attribute name but found the end of q
            a==                   § position 3: expected a value but found the end of q
            a=1                   § position 1: expected an operator (==, !=, >, >=, <, <=, ~=, !~=), ';', '|', ')' or the end of q but found '='
            a == 1                § position 1: expected an operator (==, !=, >, >=, <, <=, ~=, !~=), ';', '|', ')' or the end of q but found the character U+0020
            a>>1                  § position 2: expected a value but found '>'
            a==b==c               § position 4: expected ';', '|', ')' or the end of q but found '='
            (a;b                  § position 4: expected ';', '|' or ')' closing the '(' at position 0 but found the end of q
            a)                    § position 1: expected ';', '|' or the end of q but found ')'
            a;;b                  § position 2: expected an attribute name but found ';'
            1a                    § position 0: expected an attribute name but found '1'
            a.==1                 § position 2: expected a sub-attribute name or metadata keyword after '.' but found '='
            a[]                   § position 2: expected a member name inside '[...]' but found ']'
            a[x                   § position 3: expected '.' or ']' closing the '[' at position 1 but found the end of q
            a.observedAt.x        § position 12: the metadata keyword 'observedAt' must end the attribute path
            a.unitCode[x]==1      § position 10: the metadata keyword 'unitCode' cannot be followed by a compound path
            !a==1                 § position 2: '!a' tests that the attribute is absent and cannot be compared; use != instead
            a=="abc               § position 3: the string starting here has no closing '"'
            a=="\\x"              § position 4: invalid escape sequence '\\x'
            a=="\\u12"            § position 4: a \\u escape needs four hexadecimal digits
            a=="\\u0000"          § position 4: the NUL character is not allowed
            a>1,2                 § position 3: a value list is only allowed after == or !=
            a<=1..2               § position 4: a range is only allowed after == or !=
            a==1.."z"             § position 3: the bounds of a range must be two numbers, strings, dates, times or date-times
            a==true..false        § position 3: the bounds of a range must be two numbers, strings, dates, times or date-times
            a==2024-02-30         § position 3: '2024-02-30' is not a valid date, time or date-time
            a==12abc              § position 3: '12abc' is neither a number nor a date, time or date-time; quote it to compare it as text
            a==1,                 § position 5: expected a value but found the end of q
            a==1e1001             § position 3: the number '1e1001' is out of range
            a==-1e-1001           § position 3: the number '-1e-1001' is out of range
            a~=                   § position 3: expected a regular expression but found the end of q
            a~="("                § position 3: invalid regular expression
            """)
    void syntaxErrorsAreBadRequestDataSayingWhereAndWhat(String q, String expectedDetail) {
        assertThatThrownBy(() -> parse(q))
                .isInstanceOfSatisfying(MeridianException.class, error -> {
                    assertThat(error.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
                    assertThat(error.detail()).startsWith("Invalid q at " + expectedDetail);
                });
    }

    @Test
    void controlCharactersInQuotedStringsMustBeEscaped() {
        assertThatThrownBy(() -> parse("a==\"x\ny\""))
                .isInstanceOfSatisfying(MeridianException.class, error -> assertThat(error.detail())
                        .isEqualTo("Invalid q at position 5: a control character must be escaped inside a quoted string"));
    }
}
