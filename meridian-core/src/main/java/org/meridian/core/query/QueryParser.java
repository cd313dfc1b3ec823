package org.meridian.core.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.meridian.core.error.MeridianException;
import org.meridian.core.query.QueryExpression.And;
import org.meridian.core.query.QueryExpression.Comparison;
import org.meridian.core.query.QueryExpression.Exists;
import org.meridian.core.query.QueryExpression.NotExists;
import org.meridian.core.query.QueryExpression.Or;

/**
 * Parses the NGSI-LD q parameter (ETSI GS CIM 009, clause 4.9) into a {@link QueryExpression}.
 *
 * <p>Grammar, with {@code ;} (AND) binding tighter than {@code |} (OR):
 * <pre>
 * query       = disjunction
 * disjunction = conjunction *("|" conjunction)
 * conjunction = primary *(";" primary)
 * primary     = "(" disjunction ")" / "!" path / path [operator value]
 * path        = name *("." name) *("[" member *("." member) "]")
 * value       = literal / literal ".." literal / literal 1*("," literal)   ; lists and ranges after == and != only
 * literal     = quoted JSON string / JSON number / true / false / date / time / date-time / other unquoted text
 * </pre>
 * A name is a term, a prefixed name ({@code schema:name}) or a full IRI; in a full IRI (one containing "://") dots
 * belong to the IRI, so nothing but a compound path can follow it. Errors are BadRequestData naming the position.
 */
public final class QueryParser {
    private static final List<ComparisonOperator> OPERATORS_LONGEST_FIRST = List.of(
            ComparisonOperator.NOT_MATCHES, ComparisonOperator.EQUAL, ComparisonOperator.NOT_EQUAL,
            ComparisonOperator.GREATER_OR_EQUAL, ComparisonOperator.LESS_OR_EQUAL, ComparisonOperator.MATCHES,
            ComparisonOperator.GREATER, ComparisonOperator.LESS);
    private static final String OPERATOR_LIST = "an operator (==, !=, >, >=, <, <=, ~=, !~=)";

    private final SyntaxCursor cursor;
    private final QueryValueReader values;
    private final int maxTerms;
    private int termCount;

    private QueryParser(String q, int maxTerms) {
        this.cursor = new SyntaxCursor("q", q);
        this.values = new QueryValueReader(cursor);
        this.maxTerms = maxTerms;
    }

    /**
     * Parses q with attribute names as written.
     *
     * @param maxTerms the most comparisons and existence checks allowed; each value of a list counts as one
     * @throws MeridianException BadRequestData for a syntax error, TooComplexQuery beyond {@code maxTerms}
     */
    public static QueryExpression parse(String q, int maxTerms) {
        Objects.requireNonNull(q, "q");
        if (maxTerms < 1) {
            throw new IllegalArgumentException("maxTerms must be positive");
        }
        QueryParser parser = new QueryParser(q, maxTerms);
        QueryExpression expression = parser.disjunction();
        if (!parser.cursor.atEnd()) {
            throw parser.cursor.expected("';', '|' or the end of q");
        }
        return expression;
    }

    /** Parses q and expands attribute and sub-attribute names; metadata keywords and compound members stay literal. */
    public static QueryExpression parse(String q, int maxTerms, UnaryOperator<String> expandAttributeName) {
        return parse(q, maxTerms).expandNames(expandAttributeName);
    }

    private QueryExpression disjunction() {
        List<QueryExpression> operands = new ArrayList<>();
        do {
            QueryExpression operand = conjunction();
            if (operand instanceof Or or) {
                operands.addAll(or.operands());
            } else {
                operands.add(operand);
            }
        } while (cursor.consume("|"));
        return operands.size() == 1 ? operands.getFirst() : new Or(operands);
    }

    private QueryExpression conjunction() {
        List<QueryExpression> operands = new ArrayList<>();
        do {
            QueryExpression operand = primary();
            if (operand instanceof And and) {
                operands.addAll(and.operands());
            } else {
                operands.add(operand);
            }
        } while (cursor.consume(";"));
        return operands.size() == 1 ? operands.getFirst() : new And(operands);
    }

    private QueryExpression primary() {
        int open = cursor.position();
        if (!cursor.consume("(")) {
            return term();
        }
        cursor.enterGroup();
        QueryExpression inner = disjunction();
        cursor.expect(")", "';', '|' or ')' closing the '(' at position " + open);
        cursor.leaveGroup();
        return inner;
    }

    private QueryExpression term() {
        if (cursor.consume("!")) {
            AttributePath path = attributePath();
            if (startsOperator()) {
                throw cursor.errorAt(cursor.position(),
                        "'!" + path + "' tests that the attribute is absent and cannot be compared; use != instead");
            }
            countTerms(1);
            expectTermEnd("';', '|', ')' or the end of q");
            return new NotExists(path);
        }
        AttributePath path = attributePath();
        Optional<ComparisonOperator> operator = operator();
        if (operator.isEmpty()) {
            countTerms(1);
            expectTermEnd(OPERATOR_LIST + ", ';', '|', ')' or the end of q");
            return new Exists(path);
        }
        QueryValue value = values.read(operator.get());
        countTerms(value.comparisonCount());
        expectTermEnd("';', '|', ')' or the end of q");
        return new Comparison(path, operator.get(), value);
    }

    private void expectTermEnd(String expectation) {
        int next = cursor.peek();
        if (next != SyntaxCursor.END && next != ';' && next != '|' && next != ')') {
            throw cursor.expected(expectation);
        }
    }

    private void countTerms(int comparisons) {
        termCount += comparisons;
        if (termCount > maxTerms) {
            throw cursor.tooComplex("it has more than " + maxTerms + " terms");
        }
    }

    private AttributePath attributePath() {
        String attribute = name("an attribute name");
        List<String> subAttributes = new ArrayList<>();
        Optional<MetadataKeyword> keyword = Optional.empty();
        while (cursor.peek() == '.') {
            if (keyword.isPresent()) {
                throw cursor.errorAt(cursor.position(),
                        "the metadata keyword '" + keyword.get().key() + "' must end the attribute path");
            }
            cursor.advance();
            String name = name("a sub-attribute name or metadata keyword after '.'");
            keyword = MetadataKeyword.fromKey(name);
            if (keyword.isEmpty()) {
                subAttributes.add(name);
            }
        }
        int bracket = cursor.position();
        List<String> compoundPath = compoundPath();
        if (keyword.isPresent() && !compoundPath.isEmpty()) {
            throw cursor.errorAt(bracket,
                    "the metadata keyword '" + keyword.get().key() + "' cannot be followed by a compound path");
        }
        return new AttributePath(attribute, subAttributes, keyword, compoundPath);
    }

    private String name(String expectation) {
        int first = cursor.peek();
        if (first == SyntaxCursor.END || !(Character.isLetter(first) || first == '_')) {
            throw cursor.expected(expectation);
        }
        String name = cursor.takeWhile(QueryParser::isNameCharacter);
        if (name.contains("://")) {
            name += cursor.takeWhile(codePoint -> isNameCharacter(codePoint) || codePoint == '.');
        }
        return name;
    }

    private static boolean isNameCharacter(int codePoint) {
        return SyntaxCursor.isLetterOrNumber(codePoint) || codePoint == '_' || codePoint == '-' || codePoint == ':'
                || codePoint == '/' || codePoint == '#';
    }

    private List<String> compoundPath() {
        List<String> members = new ArrayList<>();
        while (cursor.peek() == '[') {
            int open = cursor.position();
            cursor.advance();
            do {
                String member = cursor.takeWhile(QueryParser::isCompoundMemberCharacter);
                if (member.isEmpty()) {
                    throw cursor.expected("a member name inside '[...]'");
                }
                members.add(member);
            } while (cursor.consume("."));
            cursor.expect("]", "'.' or ']' closing the '[' at position " + open);
        }
        return members;
    }

    private static boolean isCompoundMemberCharacter(int codePoint) {
        return codePoint != '[' && codePoint != ']' && codePoint != '.' && !SyntaxCursor.isBlankOrControl(codePoint);
    }

    private Optional<ComparisonOperator> operator() {
        for (ComparisonOperator operator : OPERATORS_LONGEST_FIRST) {
            if (cursor.consume(operator.symbol())) {
                return Optional.of(operator);
            }
        }
        return Optional.empty();
    }

    private boolean startsOperator() {
        return OPERATORS_LONGEST_FIRST.stream().anyMatch(operator -> cursor.startsWith(operator.symbol()));
    }
}
