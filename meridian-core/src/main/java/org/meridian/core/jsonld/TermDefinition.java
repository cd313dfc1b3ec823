package org.meridian.core.jsonld;

/**
 * One compiled term of a JSON-LD context.
 *
 * @param iri the expanded IRI (or a keyword such as {@code @id})
 * @param typeMapping the term's {@code @type} ({@code @id}, {@code @vocab}, {@code @json}, a datatype IRI) or null
 * @param container the term's {@code @container} or null
 */
public record TermDefinition(String iri, String typeMapping, String container) {
    public boolean isVocabTyped() {
        return "@vocab".equals(typeMapping);
    }
}
