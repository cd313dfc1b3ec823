package org.meridian.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

class JsonPathTranslatorTest {
    private static final UnaryOperator<String> EXAMPLE_ORG = name -> "https://ex.org/" + name;

    private static String translate(String q) {
        return JsonPathTranslator.translate(QueryParser.parse(q, 100, EXAMPLE_ORG));
    }

    @Test
    void existenceOfAnAttributeIsItsKey() {
        assertThat(translate("temperature")).isEqualTo("$ ? (exists($.\"https://ex.org/temperature\"))");
        assertThat(translate("!temperature")).isEqualTo("$ ? (!exists($.\"https://ex.org/temperature\"))");
    }

    @Test
    void existenceOfSubAttributesKeywordsAndCompoundMembersLooksIntoInstances() {
        assertThat(translate("a.sub")).isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"https://ex.org/sub\"))");
        assertThat(translate("a.observedAt")).isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"observedAt\"))");
        assertThat(translate("!a.sub.datasetId"))
                .isEqualTo("$ ? (!exists($.\"https://ex.org/a\"[*].\"https://ex.org/sub\".\"datasetId\"))");
        assertThat(translate("address[city.name]")).isEqualTo("$ ? (exists($.\"https://ex.org/address\"[*] ? ("
                + "exists(@.\"value\".\"city\".\"name\") || exists(@.\"json\".\"city\".\"name\")"
                + " || exists(@.\"languageMap\".\"city\".\"name\"))))");
    }

    @Test
    void theQueryOfTheDocumentationTranslatesAsDocumented() {
        assertThat(translate("temperature>20;(status==\"ok\"|brandName~=\".*Ok\")")).isEqualTo("$ ? ("
                + "exists($.\"https://ex.org/temperature\"[*] ? (exists(@.\"value\" ? (@ > 20))"
                + " || exists(@.\"vocab\" ? (@ > 20)) || exists(@.\"json\" ? (@ > 20))"
                + " || exists(@.\"languageMap\".* ? (@ > 20)) || exists(@.\"valueList\" ? (@ > 20))))"
                + " && (exists($.\"https://ex.org/status\"[*] ? (exists(@.\"value\" ? (@ == \"ok\"))"
                + " || exists(@.\"vocab\" ? (@ == \"ok\")) || exists(@.\"json\" ? (@ == \"ok\"))"
                + " || exists(@.\"languageMap\".* ? (@ == \"ok\")) || exists(@.\"valueList\" ? (@ == \"ok\"))"
                + " || exists(@.\"object\" ? (@ == \"ok\")) || exists(@.\"objectList\" ? (@ == \"ok\"))))"
                + " || exists($.\"https://ex.org/brandName\"[*] ? (exists(@.\"value\" ? (@ like_regex \".*Ok\"))"
                + " || exists(@.\"vocab\" ? (@ like_regex \".*Ok\")) || exists(@.\"json\" ? (@ like_regex \".*Ok\"))"
                + " || exists(@.\"languageMap\".* ? (@ like_regex \".*Ok\"))"
                + " || exists(@.\"valueList\" ? (@ like_regex \".*Ok\"))))))");
    }

    @Test
    void logicalOperatorsKeepTheirGrouping() {
        assertThat(translate("a;b|c")).isEqualTo("$ ? ((exists($.\"https://ex.org/a\") && exists($.\"https://ex.org/b\"))"
                + " || exists($.\"https://ex.org/c\"))");
        assertThat(translate("a;(b|c)")).isEqualTo("$ ? (exists($.\"https://ex.org/a\")"
                + " && (exists($.\"https://ex.org/b\") || exists($.\"https://ex.org/c\")))");
    }

    @Test
    void keywordComparisonsUseTheKeywordMember() {
        assertThat(translate("a.unitCode==\"CEL\""))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"unitCode\" ? (@ == \"CEL\")))");
        assertThat(translate("a.unitCode==\"CEL\",\"FAR\""))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"unitCode\" ? (@ == \"CEL\" || @ == \"FAR\")))");
        assertThat(translate("a.datasetId~=\"^urn:.*\\\\d$\""))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"datasetId\" ? (@ like_regex \"^urn:.*\\\\d$\")))");
        assertThat(translate("a.datasetId!~=x"))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"datasetId\" ? (!(@ like_regex \"x\"))))");
    }

    @Test
    void inequalityNeedsATargetThatNeitherIsNorContainsTheValue() {
        assertThat(translate("a.unitCode!=\"CEL\"")).isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*] ? ("
                + "exists(@.\"unitCode\") && !exists(@.\"unitCode\" ? (@ == \"CEL\")))))");
        assertThat(translate("a.sub.unitCode!=1..5")).isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*]"
                + ".\"https://ex.org/sub\" ? (exists(@.\"unitCode\") && !exists(@.\"unitCode\" ? (@ >= 1 && @ <= 5)))))");
        assertThat(translate("a[x]!=true")).isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*] ? ("
                + "(exists(@.\"value\".\"x\") || exists(@.\"json\".\"x\") || exists(@.\"languageMap\".\"x\"))"
                + " && !(exists(@.\"value\".\"x\" ? (@ == true)) || exists(@.\"json\".\"x\" ? (@ == true))"
                + " || exists(@.\"languageMap\".\"x\" ? (@ == true))))))");
    }

    @Test
    void rangesBindBothBoundsToTheSameElement() {
        assertThat(translate("a[x]==-1.5e3..2")).isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*] ? ("
                + "exists(@.\"value\".\"x\" ? (@ >= -1.5E+3 && @ <= 2)) || exists(@.\"json\".\"x\" ? (@ >= -1.5E+3 && @ <= 2))"
                + " || exists(@.\"languageMap\".\"x\" ? (@ >= -1.5E+3 && @ <= 2)))))");
    }

    @Test
    void dateTimesAreParsedWithTemplatesOfOneTypeEach() {
        assertThat(translate("a.observedAt>2024-01-01T02:00:00.5+02:00"))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"observedAt\" ? (("
                        + "@.datetime(\"yyyy-mm-dd\\\"T\\\"HH24:MI:SS\\\"Z\\\"\") > \"2024-01-01T00:00:00.500000\".datetime()"
                        + " || @.datetime(\"yyyy-mm-dd\\\"T\\\"HH24:MI:SS.US\\\"Z\\\"\") > \"2024-01-01T00:00:00.500000\".datetime()"
                        + " || @.datetime(\"yyyy-mm-dd\\\"T\\\"HH24:MI:SSTZH:TZM\") > \"2024-01-01T00:00:00.500000+00:00\".datetime()"
                        + " || @.datetime(\"yyyy-mm-dd\\\"T\\\"HH24:MI:SS.USTZH:TZM\") > \"2024-01-01T00:00:00.500000+00:00\".datetime()))))");
    }

    @Test
    void datesCompareWithDatesAndUtcDateTimesOnly() {
        assertThat(translate("a.createdAt<=2024-01-01"))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"createdAt\" ? (("
                        + "@.datetime(\"yyyy-mm-dd\") <= \"2024-01-01\".datetime()"
                        + " || @.datetime(\"yyyy-mm-dd\\\"T\\\"HH24:MI:SS\\\"Z\\\"\") <= \"2024-01-01\".datetime()"
                        + " || @.datetime(\"yyyy-mm-dd\\\"T\\\"HH24:MI:SS.US\\\"Z\\\"\") <= \"2024-01-01\".datetime()))))");
    }

    @Test
    void timesCompareWithUnzonedAndZonedTimes() {
        assertThat(translate("a.unitCode==12:00:00Z"))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\"[*].\"unitCode\" ? (("
                        + "@.datetime(\"HH24:MI:SS\\\"Z\\\"\") == \"12:00:00\".datetime()"
                        + " || @.datetime(\"HH24:MI:SS.US\\\"Z\\\"\") == \"12:00:00\".datetime()"
                        + " || @.datetime(\"HH24:MI:SSTZH:TZM\") == \"12:00:00+00:00\".datetime()"
                        + " || @.datetime(\"HH24:MI:SS.USTZH:TZM\") == \"12:00:00+00:00\".datetime()))))");
    }

    @Test
    void relationshipObjectsTakePartInEqualityOnly() {
        assertThat(translate("isParked==urn:ngsi-ld:Parking:1")).contains("exists(@.\"object\" ? (@ == \"urn:ngsi-ld:Parking:1\"))")
                .contains("exists(@.\"objectList\" ? (@ == \"urn:ngsi-ld:Parking:1\"))");
        assertThat(translate("isParked>urn:ngsi-ld:Parking:1")).doesNotContain("object");
        assertThat(translate("isParked~=Parking")).doesNotContain("object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\") || true || (\"", "\\\"", "$", ")", "||", "a\nb", "\\", "\u0001\u007f", "\"\"", "@ == 1"})
    void hostileNamesAndValuesStayInsideStringLiterals(String hostile) {
        String regex = hostile.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
        String q = "a.sub[k]==" + jsonString(hostile) + "|b~=" + jsonString(regex) + "|c.unitCode!=" + jsonString(hostile);
        UnaryOperator<String> hostileExpander = name -> "https://ex.org/" + hostile + name;

        String hostilePath = JsonPathTranslator.translate(QueryParser.parse(q, 100, hostileExpander));
        String benignPath = JsonPathTranslator.translate(QueryParser.parse(
                "a.sub[k]==\"v\"|b~=\"v\"|c.unitCode!=\"v\"", 100, name -> "https://ex.org/" + name));

        assertThat(withoutStringLiterals(hostilePath)).isEqualTo(withoutStringLiterals(benignPath));
        assertThat(stringLiterals(hostilePath)).contains(hostile, regex, "https://ex.org/" + hostile + "a",
                "https://ex.org/" + hostile + "sub", "k");
        assertThat(hostilePath).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
    }

    @Test
    void hostileCompoundMembersStayInsideStringLiterals() {
        String path = translate("a[x\")||$\\y]==1");

        assertThat(stringLiterals(path)).contains("x\")||$\\y");
        assertThat(withoutStringLiterals(path)).isEqualTo(withoutStringLiterals(translate("a[k]==1")));
    }

    @Test
    void helpersQuoteForJsonPath() {
        assertThat(JsonPathTranslator.quoteKey("https://ex.org/a\"b\\c")).isEqualTo("\"https://ex.org/a\\\"b\\\\c\"");
        assertThat(JsonPathTranslator.literal("tab\there\u001f")).isEqualTo("\"tab\\u0009here\\u001f\"");
        assertThat(JsonPathTranslator.literal("é😀")).isEqualTo("\"é😀\"");
        assertThat(JsonPathTranslator.anyAttributeExists(List.of("https://ex.org/a", "b\"c")))
                .isEqualTo("$ ? (exists($.\"https://ex.org/a\") || exists($.\"b\\\"c\"))");
        assertThatThrownBy(() -> JsonPathTranslator.literal("nul\u0000"))
                .isInstanceOfSatisfying(MeridianException.class,
                        error -> assertThat(error.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA));
    }

    private static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        text.chars().forEach(character -> json.append(switch (character) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            default -> character < 0x20 ? String.format("\\u%04x", character) : Character.toString(character);
        }));
        return json.append('"').toString();
    }

    /** The path with every string literal replaced by {@code ""}: its structure. */
    private static String withoutStringLiterals(String path) {
        StringBuilder structure = new StringBuilder();
        scan(path, structure, new ArrayList<>());
        return structure.toString();
    }

    /** The decoded string literals of the path. */
    private static List<String> stringLiterals(String path) {
        List<String> literals = new ArrayList<>();
        scan(path, new StringBuilder(), literals);
        return literals;
    }

    /** Splits a jsonpath into structure and decoded string literals, following the jsonpath escape rules. */
    private static void scan(String path, StringBuilder structure, List<String> literals) {
        int index = 0;
        while (index < path.length()) {
            char character = path.charAt(index++);
            if (character != '"') {
                structure.append(character);
                continue;
            }
            StringBuilder literal = new StringBuilder();
            while (path.charAt(index) != '"') {
                char next = path.charAt(index++);
                if (next != '\\') {
                    literal.append(next);
                } else if (path.charAt(index) == 'u') {
                    literal.append((char) Integer.parseInt(path.substring(index + 1, index + 5), 16));
                    index += 5;
                } else {
                    literal.append(path.charAt(index++));
                }
            }
            index++;
            structure.append("\"\"");
            literals.add(literal.toString());
        }
    }
}
