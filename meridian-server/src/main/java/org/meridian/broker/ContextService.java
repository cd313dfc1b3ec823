package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meridian.broker.store.ContextDocumentStore;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;
import org.meridian.core.jsonld.ContextCompiler;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.jsonld.StoredContext;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.platform.ExpiringCache;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code @context} values to compiled contexts without the internet: the ETSI core contexts are bundled,
 * operators preload a folder or upload contexts to the store, and an unknown URL fails at once with
 * LdContextNotAvailable. Compiled contexts are cached for a minute, so a deleted context stops resolving on every
 * node of a cluster within that time.
 */
public final class ContextService implements ContextResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ContextService.class);
    private static final Pattern HOSTED_PATH = Pattern.compile(".*/ngsi-ld/v1/jsonldContexts/([A-Za-z0-9-]+)$");
    private static final Map<String, String> BUNDLED = Map.of(
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld", "ngsi-ld-core-context-v1.6.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld", "ngsi-ld-core-context-v1.8.jsonld",
            NgsiLd.CORE_CONTEXT_V1_8, "ngsi-ld-core-context-v1.8.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld", "ngsi-ld-core-context-v1.9.jsonld",
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld", "ngsi-ld-core-context-v1.8.jsonld");

    private final Transactions transactions;
    private final ContextDocumentStore store;
    private final Map<String, JsonNode> bundled = new LinkedHashMap<>();
    private final JsonNode coreContext;
    private final JsonLdContext core;
    private final ContextCompiler compiler = new ContextCompiler(this::load);
    private final ExpiringCache<String, JsonNode> documents = new ExpiringCache<>(Duration.ofSeconds(60), 1_000);
    private final ExpiringCache<String, JsonLdContext> compiled = new ExpiringCache<>(Duration.ofSeconds(60), 1_000);
    private String publicUrl = "http://localhost:8080";

    public ContextService(Transactions transactions, ContextDocumentStore store) {
        this.transactions = transactions;
        this.store = store;
        BUNDLED.forEach((url, resource) -> bundled.put(url, readResource("/contexts/" + resource)));
        this.coreContext = bundled.get(NgsiLd.CORE_CONTEXT_V1_8).get("@context");
        this.core = compiler.compile(null, coreContext);
    }

    public void setPublicUrl(String url) {
        this.publicUrl = url;
    }

    /** Loads a folder of context files listed in its {@code contexts.json} index ({"url": "file"}). */
    public void preload(Path directory) {
        Path index = directory.resolve("contexts.json");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException("MERIDIAN_CONTEXTS_DIR " + directory
                    + " has no contexts.json; it must map each context URL to a file in the folder");
        }
        try {
            JsonNode entries = Json.parseRequest(Files.readString(index));
            for (var entry : entries.properties()) {
                JsonNode document = Json.parseRequest(Files.readString(directory.resolve(entry.getValue().asText())));
                if (!document.has("@context")) {
                    throw new IllegalArgumentException("Context file " + entry.getValue().asText() + " has no @context member");
                }
                transactions.inTransaction(connection -> {
                    store.insert(connection, UUID.randomUUID().toString(), entry.getKey(), "Cached", document);
                    return null;
                });
                LOG.info("preloaded @context {} from {}", entry.getKey(), entry.getValue().asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the contexts in " + directory, e);
        }
    }

    public JsonLdContext core() {
        return core;
    }

    /** Compiles the caller's {@code @context} (null: the core context alone). */
    @Override
    public JsonLdContext resolve(JsonNode userContext) {
        if (userContext == null || userContext.isNull()) {
            return core;
        }
        return compiled.get(Json.write(userContext), key -> compiler.compile(userContext, coreContext));
    }

    private JsonNode load(String url) {
        JsonNode bundledDocument = bundled.get(url);
        if (bundledDocument != null) {
            return bundledDocument;
        }
        return documents.get(url, this::loadStored);
    }

    private JsonNode loadStored(String url) {
        Matcher hosted = HOSTED_PATH.matcher(url);
        String key = hosted.matches() ? hosted.group(1) : url;
        Optional<StoredContext> stored = transactions.inTransaction(connection -> {
            Optional<StoredContext> found = store.findByUrlOrId(connection, key);
            if (found.isPresent()) {
                store.recordUse(connection, found.get().url());
            }
            return found;
        });
        return stored.map(StoredContext::body).orElseThrow(() -> new MeridianException(ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                "The @context " + url + " is not in this broker's context store, and the broker never fetches from the "
                        + "internet. Upload it with POST /ngsi-ld/v1/jsonldContexts or preload it with MERIDIAN_CONTEXTS_DIR."));
    }

    /** Stores a context uploaded by a client (kind Hosted) and returns it. */
    public StoredContext add(JsonNode document) {
        if (!document.isObject() || !document.has("@context")) {
            throw MeridianException.badData("A context document must be a JSON object with an @context member");
        }
        // Compile now so a context that cannot work is refused at upload, not at first use.
        compiler.compile(document.get("@context"), coreContext);
        String localId = UUID.randomUUID().toString();
        String url = publicUrl + "/ngsi-ld/v1/jsonldContexts/" + localId;
        return transactions.inTransaction(connection -> {
            store.insert(connection, localId, url, "Hosted", document);
            return store.findByUrlOrId(connection, localId).orElseThrow();
        });
    }

    public List<StoredContext> list(String kind) {
        return transactions.readOnly(connection -> store.list(connection, kind));
    }

    public Optional<JsonNode> bundledDocument(String url) {
        return Optional.ofNullable(bundled.get(url));
    }

    public List<String> bundledUrls() {
        return List.copyOf(bundled.keySet());
    }

    public Optional<StoredContext> find(String idOrUrl) {
        Matcher hosted = HOSTED_PATH.matcher(idOrUrl);
        String key = hosted.matches() ? hosted.group(1) : idOrUrl;
        return transactions.readOnly(connection -> store.findByUrlOrId(connection, key));
    }

    public void delete(String idOrUrl) {
        if (bundled.containsKey(idOrUrl)) {
            throw MeridianException.badData("The ETSI core @context is built in and cannot be deleted");
        }
        StoredContext stored = find(idOrUrl).orElseThrow(() -> MeridianException.notFound("No @context " + idOrUrl + " in the store"));
        transactions.inTransaction(connection -> store.delete(connection, stored.localId()));
        documents.invalidateAll();
        compiled.invalidateAll();
    }

    private static JsonNode readResource(String resource) {
        try (InputStream in = ContextService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled context missing: " + resource);
            }
            return Json.parseTrusted(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
