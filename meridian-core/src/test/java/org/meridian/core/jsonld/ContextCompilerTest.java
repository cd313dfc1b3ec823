package org.meridian.core.jsonld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/** JSON-LD 1.1 context processing as far as NGSI-LD name expansion and compaction need it. */
class ContextCompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode CORE = json("""
            {"ngsi-ld": "https://uri.etsi.org/ngsi-ld/", "id": "@id", "type": "@type",
             "Property": "ngsi-ld:Property", "location": "ngsi-ld:location",
             "@vocab": "https://uri.etsi.org/ngsi-ld/default-context/"}""");

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final Map<String, JsonNode> REMOTE = Map.of(
            "https://example.org/city.jsonld", json("{\"@context\": {\"Park\": \"https://schema.org/Park\", \"schema\": \"https://schema.org/\"}}"),
            "https://example.org/loop-a.jsonld", json("{\"@context\": \"https://example.org/loop-a.jsonld\"}"));

    private final ContextCompiler compiler = new ContextCompiler(url -> {
        JsonNode document = REMOTE.get(url);
        if (document == null) {
            throw new MeridianException(ErrorType.LD_CONTEXT_NOT_AVAILABLE, "unknown " + url);
        }
        return document;
    });

    @Test
    void undefinedTermsUseTheDefaultVocabularyBothWays() {
        JsonLdContext context = compiler.compile(null, CORE);

        assertThat(context.expandTerm("temperature")).isEqualTo("https://uri.etsi.org/ngsi-ld/default-context/temperature");
        assertThat(context.compactIri("https://uri.etsi.org/ngsi-ld/default-context/temperature")).isEqualTo("temperature");
        assertThat(context.expandTerm("location")).isEqualTo("https://uri.etsi.org/ngsi-ld/location");
        assertThat(context.compactIri("https://uri.etsi.org/ngsi-ld/location")).isEqualTo("location");
    }

    @Test
    void remoteContextsAndPrefixesExpand() {
        JsonLdContext context = compiler.compile(json("\"https://example.org/city.jsonld\""), CORE);

        assertThat(context.expandTerm("Park")).isEqualTo("https://schema.org/Park");
        assertThat(context.expandTerm("schema:name")).isEqualTo("https://schema.org/name");
        assertThat(context.compactIri("https://schema.org/name")).isEqualTo("schema:name");
        assertThat(context.compactIri("https://schema.org/Park")).isEqualTo("Park");
    }

    @Test
    void termsMayReferToEachOtherInAnyOrder() {
        JsonLdContext context = compiler.compile(json("""
                {"temp": "ex:temperature", "ex": "https://example.org/ns#",
                 "rel": {"@id": "ex:related", "@type": "@id"}}"""), CORE);

        assertThat(context.expandTerm("temp")).isEqualTo("https://example.org/ns#temperature");
        assertThat(context.definition("rel").orElseThrow().typeMapping()).isEqualTo("@id");
    }

    @Test
    void coreTermsWinOverUserDefinitions() {
        JsonLdContext context = compiler.compile(json("{\"location\": \"https://example.org/myLocation\"}"), CORE);

        assertThat(context.expandTerm("location")).isEqualTo("https://uri.etsi.org/ngsi-ld/location");
    }

    @Test
    void absoluteIrisStayAsTheyAre() {
        JsonLdContext context = compiler.compile(null, CORE);

        assertThat(context.expandTerm("https://example.org/a#b")).isEqualTo("https://example.org/a#b");
        assertThat(context.compactIri("https://example.org/a#b")).isEqualTo("https://example.org/a#b");
    }

    @Test
    void unknownRemoteContextIsNotAvailable() {
        assertThatThrownBy(() -> compiler.compile(json("\"https://example.org/missing.jsonld\""), CORE))
                .isInstanceOfSatisfying(MeridianException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE));
    }

    @Test
    void selfReferencingRemoteContextIsRefused() {
        assertThatThrownBy(() -> compiler.compile(json("\"https://example.org/loop-a.jsonld\""), CORE))
                .isInstanceOf(MeridianException.class).hasMessageContaining("deep");
    }

    @Test
    void cyclicTermDefinitionsAreRefused() {
        assertThatThrownBy(() -> compiler.compile(json("{\"a\": \"b\", \"b\": \"a\"}"), CORE))
                .isInstanceOf(MeridianException.class).hasMessageContaining("cyclically");
    }
}
