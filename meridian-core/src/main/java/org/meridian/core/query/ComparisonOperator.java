package org.meridian.core.query;

/** The operators of an NGSI-LD query term (clause 4.9). */
public enum ComparisonOperator {
    EQUAL("=="),
    NOT_EQUAL("!="),
    GREATER(">"),
    GREATER_OR_EQUAL(">="),
    LESS("<"),
    LESS_OR_EQUAL("<="),
    MATCHES("~="),
    NOT_MATCHES("!~=");

    private final String symbol;

    ComparisonOperator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Only equality operators take a value list or a range on their right side. */
    public boolean acceptsListOrRange() {
        return this == EQUAL || this == NOT_EQUAL;
    }

    /** Pattern operators take a regular expression on their right side. */
    public boolean isPattern() {
        return this == MATCHES || this == NOT_MATCHES;
    }

    /** NGSI-LD says a Relationship matches only under equality operators. */
    public boolean appliesToRelationships() {
        return acceptsListOrRange();
    }
}
