package org.meridian.core.query;

import java.util.List;
import java.util.Objects;

/**
 * The right side of a query term: one literal, a list of literals ({@code a,b,c}) or an inclusive range
 * ({@code a..b}).
 */
public sealed interface QueryValue {

    /** How many comparisons this value stands for, counted against the query's complexity limit. */
    int comparisonCount();

    record Single(QueryLiteral literal) implements QueryValue {
        public Single {
            Objects.requireNonNull(literal, "literal");
        }

        @Override
        public int comparisonCount() {
            return 1;
        }
    }

    record ValueList(List<QueryLiteral> literals) implements QueryValue {
        public ValueList {
            literals = List.copyOf(literals);
            if (literals.size() < 2) {
                throw new IllegalArgumentException("a value list has at least two values");
            }
        }

        @Override
        public int comparisonCount() {
            return literals.size();
        }
    }

    /** Both bounds are of the same literal kind, which is ordered (not boolean). */
    record Range(QueryLiteral minimum, QueryLiteral maximum) implements QueryValue {
        public Range {
            Objects.requireNonNull(minimum, "minimum");
            Objects.requireNonNull(maximum, "maximum");
            if (minimum.getClass() != maximum.getClass() || minimum instanceof QueryLiteral.BooleanLiteral) {
                throw new IllegalArgumentException(
                        "range bounds must be two numbers, strings, dates, times or date-times");
            }
        }

        @Override
        public int comparisonCount() {
            return 1;
        }
    }
}
