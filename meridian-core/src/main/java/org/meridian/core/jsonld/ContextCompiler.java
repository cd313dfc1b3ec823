package org.meridian.core.jsonld;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;

/**
 * Compiles a JSON-LD {@code @context} value (a URL, an object, or an array of them) into a {@link JsonLdContext}.
 *
 * <p>It implements the parts of JSON-LD 1.1 context processing that name mapping needs: term definitions (simple and
 * expanded), {@code @vocab}, prefixes and compact IRIs, {@code @import}, {@code null} resets, and remote contexts
 * from a {@link ContextLoader}. Scoped contexts, {@code @reverse} and {@code @language} do not change how NGSI-LD
 * names expand and are accepted but not applied.
 */
public final class ContextCompiler {
    private static final int MAX_REMOTE_DEPTH = 10;

    private final ContextLoader loader;

    public ContextCompiler(ContextLoader loader) {
        this.loader = loader;
    }

    /** Compiles {@code userContext} (may be null) followed by {@code coreContext}, whose terms always win. */
    public JsonLdContext compile(JsonNode userContext, JsonNode coreContext) {
        State state = new State();
        if (userContext != null && !userContext.isNull()) {
            apply(state, userContext, 0);
        }
        apply(state, coreContext, 0);
        return new JsonLdContext(state.terms, state.vocabulary, userContext == null ? JsonNodeFactory.instance.nullNode() : userContext);
    }

    private void apply(State state, JsonNode context, int depth) {
        if (depth > MAX_REMOTE_DEPTH) {
            throw MeridianException.badData("@context nests remote contexts more than " + MAX_REMOTE_DEPTH + " deep");
        }
        if (context.isArray()) {
            for (JsonNode element : context) {
                apply(state, element, depth);
            }
        } else if (context.isTextual()) {
            JsonNode document = loader.load(context.asText());
            JsonNode inner = document.get("@context");
            if (inner == null) {
                throw MeridianException.badData("The document at " + context.asText() + " has no @context member");
            }
            apply(state, inner, depth + 1);
        } else if (context.isObject()) {
            applyObject(state, context, depth);
        } else if (context.isNull()) {
            state.terms.clear();
            state.vocabulary = null;
        } else {
            throw MeridianException.badData("An @context must be a URL, an object or an array, not " + context.getNodeType());
        }
    }

    private void applyObject(State state, JsonNode context, int depth) {
        JsonNode imported = context.get("@import");
        if (imported != null) {
            if (!imported.isTextual()) {
                throw MeridianException.badData("@import must be a URL");
            }
            apply(state, loader.load(imported.asText()).path("@context"), depth + 1);
        }
        JsonNode vocabulary = context.get("@vocab");
        Map<String, JsonNode> pending = new LinkedHashMap<>();
        context.properties().forEach(entry -> {
            if (!entry.getKey().startsWith("@")) {
                pending.put(entry.getKey(), entry.getValue());
            }
        });
        Resolver resolver = new Resolver(state, pending);
        for (String term : pending.keySet()) {
            resolver.define(term);
        }
        if (vocabulary != null) {
            state.vocabulary = vocabulary.isNull() ? null : resolver.expandValue(vocabulary.asText(), true);
        }
    }

    private static final class State {
        private final Map<String, TermDefinition> terms = new HashMap<>();
        private String vocabulary;
    }

    /** Defines the terms of one context object; definitions may refer to each other in any order. */
    private static final class Resolver {
        private final State state;
        private final Map<String, JsonNode> pending;
        private final LinkedHashSet<String> defining = new LinkedHashSet<>();
        private final Set<String> defined = new HashSet<>();

        Resolver(State state, Map<String, JsonNode> pending) {
            this.state = state;
            this.pending = pending;
        }

        /** The term whose definition is being expanded right now; a term may name itself (vocabulary-relative). */
        private String currentTerm() {
            String last = null;
            for (String term : defining) {
                last = term;
            }
            return last;
        }

        void define(String term) {
            if (defined.contains(term)) {
                return;
            }
            if (!defining.add(term)) {
                throw MeridianException.badData("The @context defines the term '" + term + "' cyclically");
            }
            JsonNode value = pending.get(term);
            if (value == null || value.isNull()) {
                state.terms.remove(term);
            } else if (value.isTextual()) {
                state.terms.put(term, new TermDefinition(expandValue(value.asText(), true), null, null));
            } else if (value.isObject()) {
                state.terms.put(term, expandedDefinition(term, value));
            } else {
                throw MeridianException.badData("The @context term '" + term + "' must be a string or an object");
            }
            defining.remove(term);
            defined.add(term);
        }

        private TermDefinition expandedDefinition(String term, JsonNode value) {
            JsonNode id = value.get("@id");
            String iri;
            if (id != null && id.isTextual()) {
                iri = expandValue(id.asText(), true);
            } else if (term.indexOf(':') > 0) {
                iri = expandValue(term, true);
            } else if (state.vocabulary != null) {
                iri = state.vocabulary + term;
            } else {
                iri = term;
            }
            JsonNode type = value.get("@type");
            String typeMapping = type != null && type.isTextual() ? expandType(type.asText()) : null;
            JsonNode container = value.get("@container");
            String containerValue = container == null ? null : container.isArray() ? container.path(0).asText(null) : container.asText(null);
            return new TermDefinition(iri, typeMapping, containerValue);
        }

        private String expandType(String type) {
            return type.startsWith("@") ? type : expandValue(type, true);
        }

        /** Expands an IRI-valued context entry: a keyword, a term, a compact IRI or an absolute IRI. */
        String expandValue(String value, boolean vocabularyRelative) {
            if (value.startsWith("@")) {
                return value;
            }
            if (defining.contains(value) && !value.equals(currentTerm())) {
                throw MeridianException.badData("The @context defines the term '" + value + "' cyclically");
            }
            if (pending.containsKey(value) && !defined.contains(value) && !defining.contains(value)) {
                define(value);
            }
            TermDefinition definition = state.terms.get(value);
            if (definition != null) {
                return definition.iri();
            }
            int colon = value.indexOf(':');
            if (colon > 0) {
                String prefix = value.substring(0, colon);
                String suffix = value.substring(colon + 1);
                if (!suffix.startsWith("//")) {
                    if (pending.containsKey(prefix)) {
                        define(prefix);
                    }
                    TermDefinition prefixDefinition = state.terms.get(prefix);
                    if (prefixDefinition != null) {
                        return prefixDefinition.iri() + suffix;
                    }
                }
                return value;
            }
            return vocabularyRelative && state.vocabulary != null ? state.vocabulary + value : value;
        }
    }
}
