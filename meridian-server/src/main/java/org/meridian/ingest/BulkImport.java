package org.meridian.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meridian.broker.BatchResult;
import org.meridian.broker.BatchService;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ingest.ImportMapping;
import org.meridian.core.json.Json;
import org.meridian.core.json.StorableText;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.ingest.store.ImportMappingStore;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * Bulk import of department files: CSV or GeoJSON, read as a stream and written in batches through the batch upsert
 * (so imports land in the history and notify subscribers like any other write). The report says how many rows were
 * read, accepted and rejected, and why, row by row (the first {@value #MAX_REPORTED_ERRORS}).
 */
public final class BulkImport {
    public static final int BATCH = 500;
    public static final int MAX_ROWS = 1_000_000;
    public static final int MAX_REPORTED_ERRORS = 100;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * The outcome of one import.
     *
     * @param stopped why the import ended before the end of the file, or null when it read it all */
    public record Report(long rows, long accepted, long rejected, List<RowError> errors, String stopped) {
    }

    /** A batch the database refused: the import stops there and reports. */
    private static final class Stopped extends RuntimeException {
        Stopped(String reason) {
            super(reason, null, false, false);
        }
    }

    public record RowError(long row, String id, String reason) {
    }

    private final Transactions transactions;
    private final ImportMappingStore mappings;
    private final TenantStore tenants;
    private final BatchService batches;
    private final Clock clock;

    public BulkImport(Transactions transactions, ImportMappingStore mappings, TenantStore tenants, BatchService batches, Clock clock) {
        this.transactions = transactions;
        this.mappings = mappings;
        this.tenants = tenants;
        this.batches = batches;
        this.clock = clock;
    }

    public boolean saveMapping(Caller caller, String name, JsonNode mapping) {
        String tenant = caller.tenant();
        requireName(name);
        ImportMapping.parse(mapping);
        return transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            return mappings.save(connection, tenant, name, mapping, clock.instant());
        });
    }

    public JsonNode mapping(Caller caller, String name) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> mappings.find(connection, tenant, name))
                .orElseThrow(() -> new MeridianException(IngestError.IMPORT_MAPPING_NOT_FOUND, "No import mapping " + name));
    }

    public Map<String, JsonNode> mappings(Caller caller) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> mappings.list(connection, tenant));
    }

    public void deleteMapping(Caller caller, String name) {
        String tenant = caller.tenant();
        if (!transactions.inTransaction(connection -> mappings.delete(connection, tenant, name))) {
            throw new MeridianException(IngestError.IMPORT_MAPPING_NOT_FOUND, "No import mapping " + name);
        }
    }

    /** Imports a CSV file with a header row; the charset comes from the request (GBK files are common). */
    public Report importCsv(Caller caller, String name, InputStream body, Charset charset, JsonLdContext context) {
        ImportMapping mapping = ImportMapping.parse(mapping(caller, name));
        Run run = new Run(caller, mapping, context);
        CsvMapper csv = new CsvMapper();
        csv.enable(CsvParser.Feature.TRIM_SPACES).enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        // Bytes that are not in the file's charset stop the import with a report, never become U+FFFD in the data.
        try (Reader reader = new InputStreamReader(body, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
             MappingIterator<Map<String, String>> rows = csv.readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader()).readValues(reader)) {
            int unreadableInARow = 0;
            while (rows.hasNextValue()) {
                Map<String, String> row;
                try {
                    row = rows.nextValue();
                    unreadableInARow = 0;
                } catch (IOException | RuntimeException e) {
                    // A row with too many columns or broken quoting is that row's problem, not the file's.
                    run.rows++;
                    run.reject(null, "Unreadable row: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    if (++unreadableInARow > 1000) {
                        throw MeridianException.badData("The file stopped being CSV near row " + run.rows
                                + " (rows before were imported)");
                    }
                    continue;
                }
                Map<String, JsonNode> values = new HashMap<>();
                row.forEach((column, value) -> values.put(column.startsWith("\uFEFF") ? column.substring(1) : column,
                        value == null ? null : TextNode.valueOf(value)));
                run.row(values, null);
            }
        } catch (Stopped e) {
            run.stop(e.getMessage());
        } catch (CharacterCodingException e) {
            run.stop("The file is not valid " + charset.name() + " after row " + run.rows + " (" + e.getMessage()
                    + "); the rows after it were not read");
        } catch (IOException e) {
            run.stop("The CSV file cannot be read after row " + run.rows + ": " + e.getMessage()
                    + "; the rows after it were not read");
        }
        return run.finish();
    }

    /** Imports a GeoJSON FeatureCollection: properties are the columns, the geometry becomes the location. */
    public Report importGeoJson(Caller caller, String name, InputStream body, JsonLdContext context) {
        ImportMapping mapping = ImportMapping.parse(mapping(caller, name));
        Run run = new Run(caller, mapping, context);
        try (JsonParser parser = Json.mapper().getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw MeridianException.badData("A GeoJSON import must be a FeatureCollection object");
            }
            boolean features = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("features") && parser.currentToken() == JsonToken.START_ARRAY) {
                    features = true;
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode feature = Json.mapper().readTree(parser);
                        Map<String, JsonNode> values = new HashMap<>();
                        feature.path("properties").properties().forEach(p -> values.put(p.getKey(), p.getValue()));
                        if (feature.hasNonNull("id") && !values.containsKey("id")) {
                            values.put("id", feature.get("id"));
                        }
                        run.row(values, feature.get("geometry"));
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (!features) {
                throw MeridianException.badData("The GeoJSON file has no \"features\" array");
            }
        } catch (Stopped e) {
            run.stop(e.getMessage());
        } catch (IOException e) {
            if (run.rows == 0) {
                throw MeridianException.badData("The GeoJSON file cannot be read: " + e.getMessage());
            }
            run.stop("The GeoJSON file cannot be read after feature " + run.rows + ": " + e.getMessage()
                    + "; the features after it were not read");
        }
        return run.finish();
    }

    /** One import in progress: rows become entities, entities go in batches. */
    private final class Run {
        private final Caller caller;
        private final ImportMapping mapping;
        private final JsonLdContext context;
        private final ArrayNode batch = NODES.arrayNode();
        private final Map<String, Long> rowOf = new LinkedHashMap<>();
        private final List<RowError> errors = new ArrayList<>();
        private String stopped;
        long rows;
        private long accepted;
        private long rejected;

        Run(Caller caller, ImportMapping mapping, JsonLdContext context) {
            this.caller = caller;
            this.mapping = mapping;
            this.context = context;
        }

        void row(Map<String, JsonNode> values, JsonNode geometry) {
            rows++;
            if (rows > MAX_ROWS) {
                flush();
                throw new MeridianException(IngestError.IMPORT_TOO_LARGE, "An import has at most " + MAX_ROWS
                        + " rows; split the file (the first " + MAX_ROWS + " were imported)");
            }
            ObjectNode entity;
            try {
                entity = mapping.entity(values, geometry);
                StorableText.require(entity);
            } catch (MeridianException e) {
                reject(null, e.detail());
                return;
            }
            if (rowOf.containsKey(entity.get("id").asText())) {
                // The same id twice in one batch: the later row wins, as it would in sequence.
                flush();
            }
            rowOf.put(entity.get("id").asText(), rows);
            batch.add(entity);
            if (batch.size() >= BATCH) {
                flush();
            }
        }

        void reject(String id, String reason) {
            rejected++;
            if (errors.size() < MAX_REPORTED_ERRORS) {
                errors.add(new RowError(rows, id, reason));
            }
        }

        private void flush() {
            if (batch.isEmpty()) {
                return;
            }
            BatchResult result;
            try {
                result = batches.upsert(caller, batch, context, true).result();
            } catch (MeridianException e) {
                // Nothing of this batch was written (one transaction); rows before it were, and the report says so.
                rowOf.forEach((id, row) -> {
                    rejected++;
                    if (errors.size() < MAX_REPORTED_ERRORS) {
                        errors.add(new RowError(row, id, e.detail()));
                    }
                });
                batch.removeAll();
                rowOf.clear();
                throw new Stopped(e.detail());
            }
            accepted += result.succeeded().size();
            for (BatchResult.Failure failure : result.failed()) {
                rejected++;
                if (errors.size() < MAX_REPORTED_ERRORS) {
                    errors.add(new RowError(rowOf.getOrDefault(failure.entityId(), 0L), failure.entityId(), failure.error().detail()));
                }
            }
            batch.removeAll();
            rowOf.clear();
        }

        /** Ends the import early: what was read is still written, and the report carries the reason. */
        void stop(String reason) {
            stopped = reason;
        }

        Report finish() {
            try {
                flush();
            } catch (Stopped e) {
                stopped = e.getMessage();
            }
            return new Report(rows, accepted, rejected, List.copyOf(errors), stopped);
        }
    }

    private static void requireName(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw MeridianException.badData("A mapping name is 1 to 64 letters, digits, '_', '.' or '-'");
        }
    }
}
