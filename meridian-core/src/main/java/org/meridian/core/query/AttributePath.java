package org.meridian.core.query;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The left side of a query term: an attribute, optionally followed by sub-attributes, then either a metadata keyword
 * ({@code temperature.observedAt}) or a compound path into the value ({@code address[city]}), never both.
 *
 * @param attribute       the attribute name, compact or expanded
 * @param subAttributes   names of nested sub-attributes, outermost first
 * @param metadataKeyword a member of the addressed instance, compared instead of its value
 * @param compoundPath    member names inside a JSON value, used literally
 */
public record AttributePath(String attribute, List<String> subAttributes, Optional<MetadataKeyword> metadataKeyword,
                            List<String> compoundPath) {

    public AttributePath {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(metadataKeyword, "metadataKeyword");
        subAttributes = List.copyOf(subAttributes);
        compoundPath = List.copyOf(compoundPath);
        if (attribute.isEmpty() || subAttributes.contains("") || compoundPath.contains("")) {
            throw new IllegalArgumentException("attribute path elements must not be empty");
        }
        if (metadataKeyword.isPresent() && !compoundPath.isEmpty()) {
            throw new IllegalArgumentException("a metadata keyword cannot be followed by a compound path");
        }
    }

    public static AttributePath of(String attribute) {
        return new AttributePath(attribute, List.of(), Optional.empty(), List.of());
    }

    /** Expands the attribute and sub-attribute names; keywords and compound-path members stay as written. */
    public AttributePath expandNames(UnaryOperator<String> expandAttributeName) {
        return new AttributePath(expandAttributeName.apply(attribute),
                subAttributes.stream().map(expandAttributeName).toList(), metadataKeyword, compoundPath);
    }

    /** The path as it is written in q, for messages. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(attribute);
        subAttributes.forEach(name -> text.append('.').append(name));
        metadataKeyword.ifPresent(keyword -> text.append('.').append(keyword.key()));
        if (!compoundPath.isEmpty()) {
            text.append('[').append(String.join(".", compoundPath)).append(']');
        }
        return text.toString();
    }
}
