package org.meridian.core.jsonld;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled, immutable JSON-LD active context: the term table, the vocabulary mapping and a precomputed reverse table
 * for compaction. Expansion and compaction of names are map look-ups, which is what makes per-request JSON-LD cheap;
 * results that need string work (vocabulary and prefix forms) are memoised per context.
 */
public final class JsonLdContext {
    private static final int MEMO_LIMIT = 50_000;

    private final Map<String, TermDefinition> terms;
    private final String vocabulary;
    private final JsonNode source;
    private final Map<String, String> termByIri;
    private final Map<String, String> prefixes;
    private final Map<String, String> expandMemo = new ConcurrentHashMap<>();
    private final Map<String, String> compactMemo = new ConcurrentHashMap<>();

    JsonLdContext(Map<String, TermDefinition> terms, String vocabulary, JsonNode source) {
        this.terms = Map.copyOf(terms);
        this.vocabulary = vocabulary;
        this.source = source;
        this.termByIri = reverseTable(terms);
        this.prefixes = prefixTable(terms);
    }

    /** The {@code @context} value this context was compiled from, to echo back in responses. */
    public JsonNode source() {
        return source;
    }

    public Optional<TermDefinition> definition(String term) {
        return Optional.ofNullable(terms.get(term));
    }

    public String vocabulary() {
        return vocabulary;
    }

    /** Expands a property or type name, vocabulary-relative, as JSON-LD does for keys and {@code @type} values. */
    public String expandTerm(String term) {
        TermDefinition definition = terms.get(term);
        if (definition != null) {
            return definition.iri();
        }
        String memo = expandMemo.get(term);
        if (memo != null) {
            return memo;
        }
        String expanded = expandUndefined(term);
        if (expandMemo.size() < MEMO_LIMIT) {
            expandMemo.put(term, expanded);
        }
        return expanded;
    }

    private String expandUndefined(String term) {
        int colon = term.indexOf(':');
        if (colon > 0) {
            String prefix = term.substring(0, colon);
            String suffix = term.substring(colon + 1);
            if (!suffix.startsWith("//")) {
                TermDefinition prefixDefinition = terms.get(prefix);
                if (prefixDefinition != null && !prefixDefinition.iri().startsWith("@")) {
                    return prefixDefinition.iri() + suffix;
                }
            }
            return term;
        }
        if (term.startsWith("@")) {
            return term;
        }
        return vocabulary == null ? term : vocabulary + term;
    }

    /** Compacts an IRI to the shortest term, prefixed name or vocabulary-relative name this context allows. */
    public String compactIri(String iri) {
        String term = termByIri.get(iri);
        if (term != null) {
            return term;
        }
        String memo = compactMemo.get(iri);
        if (memo != null) {
            return memo;
        }
        String compacted = compactUndefined(iri);
        if (compactMemo.size() < MEMO_LIMIT) {
            compactMemo.put(iri, compacted);
        }
        return compacted;
    }

    private String compactUndefined(String iri) {
        if (vocabulary != null && iri.startsWith(vocabulary) && iri.length() > vocabulary.length()) {
            String suffix = iri.substring(vocabulary.length());
            if (!terms.containsKey(suffix) && suffix.indexOf(':') < 0) {
                return suffix;
            }
        }
        String best = null;
        for (Map.Entry<String, String> prefix : prefixes.entrySet()) {
            String prefixIri = prefix.getValue();
            if (iri.startsWith(prefixIri) && iri.length() > prefixIri.length()) {
                String candidate = prefix.getKey() + ":" + iri.substring(prefixIri.length());
                if (best == null || candidate.length() < best.length()
                        || candidate.length() == best.length() && candidate.compareTo(best) < 0) {
                    best = candidate;
                }
            }
        }
        return best != null ? best : iri;
    }

    private static Map<String, String> reverseTable(Map<String, TermDefinition> terms) {
        Map<String, String> reverse = new HashMap<>();
        Comparator<String> preference = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());
        terms.forEach((term, definition) -> {
            if (definition.iri().startsWith("@")) {
                return;
            }
            reverse.merge(definition.iri(), term, (a, b) -> preference.compare(a, b) <= 0 ? a : b);
        });
        return Map.copyOf(reverse);
    }

    /** Terms usable as prefixes: JSON-LD 1.1 allows simple terms whose IRI ends in a general delimiter. */
    private static Map<String, String> prefixTable(Map<String, TermDefinition> terms) {
        Map<String, String> prefixes = new HashMap<>();
        terms.forEach((term, definition) -> {
            String iri = definition.iri();
            if (term.indexOf(':') < 0 && !iri.startsWith("@") && !iri.isEmpty()
                    && "/#:?[]@".indexOf(iri.charAt(iri.length() - 1)) >= 0) {
                prefixes.put(term, iri);
            }
        });
        return Map.copyOf(prefixes);
    }
}
