package org.meridian.core.query;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The syntax tree of an NGSI-LD q expression (ETSI GS CIM 009, clause 4.9). {@link QueryParser} builds it;
 * {@link JsonPathTranslator} and {@link QueryEvaluator} give it the same meaning in PostgreSQL and in memory.
 */
public sealed interface QueryExpression {

    /** The same expression with attribute and sub-attribute names replaced by {@code expandAttributeName}. */
    QueryExpression expandNames(UnaryOperator<String> expandAttributeName);

    /** Every operand holds; the parser flattens nested conjunctions. */
    record And(List<QueryExpression> operands) implements QueryExpression {
        public And {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("a conjunction has at least two operands");
            }
        }

        @Override
        public QueryExpression expandNames(UnaryOperator<String> expandAttributeName) {
            return new And(operands.stream().map(operand -> operand.expandNames(expandAttributeName)).toList());
        }
    }

    /** At least one operand holds; the parser flattens nested disjunctions. */
    record Or(List<QueryExpression> operands) implements QueryExpression {
        public Or {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("a disjunction has at least two operands");
            }
        }

        @Override
        public QueryExpression expandNames(UnaryOperator<String> expandAttributeName) {
            return new Or(operands.stream().map(operand -> operand.expandNames(expandAttributeName)).toList());
        }
    }

    /** {@code attr}: the entity has the target element. */
    record Exists(AttributePath path) implements QueryExpression {
        public Exists {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public QueryExpression expandNames(UnaryOperator<String> expandAttributeName) {
            return new Exists(path.expandNames(expandAttributeName));
        }
    }

    /** {@code !attr}: the entity lacks the target element. */
    record NotExists(AttributePath path) implements QueryExpression {
        public NotExists {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public QueryExpression expandNames(UnaryOperator<String> expandAttributeName) {
            return new NotExists(path.expandNames(expandAttributeName));
        }
    }

    /**
     * {@code attr OP value}. Lists and ranges come only with {@code ==} and {@code !=}; pattern operators take a single
     * text literal holding the regular expression.
     */
    record Comparison(AttributePath path, ComparisonOperator operator, QueryValue value) implements QueryExpression {
        public Comparison {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(value, "value");
            if (!(value instanceof QueryValue.Single) && !operator.acceptsListOrRange()) {
                throw new IllegalArgumentException("only == and != take a value list or a range");
            }
            if (operator.isPattern() && !(value instanceof QueryValue.Single single
                    && single.literal() instanceof QueryLiteral.TextLiteral)) {
                throw new IllegalArgumentException("pattern operators take a single text literal");
            }
        }

        @Override
        public QueryExpression expandNames(UnaryOperator<String> expandAttributeName) {
            return new Comparison(path.expandNames(expandAttributeName), operator, value);
        }
    }
}
