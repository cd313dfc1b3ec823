package org.meridian.ingest.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.ingest.BulkImport;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Routes;
import org.meridian.platform.http.JsonBody;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;

/**
 * Bulk import: mappings at /import/mappings/{name}, files posted to /import/{name} as {@code text/csv} (with a
 * charset parameter for GBK files) or GeoJSON. The answer is the import's report.
 */
final class ImportRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BulkImport imports;
    private final ContextResolver contexts;

    ImportRoutes(BulkImport imports, ContextResolver contexts) {
        this.imports = imports;
        this.contexts = contexts;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/import/mappings", this::list, Access.WRITE_DATA);
        routes.put("/import/mappings/{name}", this::save, Access.WRITE_DATA);
        routes.get("/import/mappings/{name}", this::retrieve, Access.WRITE_DATA);
        routes.delete("/import/mappings/{name}", this::delete, Access.WRITE_DATA);
        routes.post("/import/{name}", this::importFile, Access.WRITE_DATA);
    }

    private void save(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        boolean created = imports.saveMapping(exchange.caller(), http.pathParam("name"), exchange.body(false));
        http.status(created ? 201 : 204);
    }

    private void retrieve(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        http.contentType(MediaTypes.JSON).result(imports.mapping(exchange.caller(), http.pathParam("name")).toString());
    }

    private void list(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        ObjectNode out = NODES.objectNode();
        imports.mappings(exchange.caller()).forEach(out::set);
        http.contentType(MediaTypes.JSON).result(out.toString());
    }

    private void delete(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        imports.deleteMapping(exchange.caller(), http.pathParam("name"));
        http.status(204);
    }

    private void importFile(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String contentType = http.header("Content-Type") == null ? "" : http.header("Content-Type").toLowerCase(Locale.ROOT);
        String name = http.pathParam("name");
        BulkImport.Report report;
        if (contentType.startsWith("text/csv")) {
            report = imports.importCsv(exchange.caller(), name, http.bodyInputStream(), JsonBody.charset(contentType), exchange.context());
        } else if (contentType.startsWith("application/geo+json") || contentType.startsWith("application/json")) {
            report = imports.importGeoJson(exchange.caller(), name, http.bodyInputStream(), exchange.context());
        } else {
            throw new MeridianException(ErrorType.UNSUPPORTED_MEDIA_TYPE,
                    "Import text/csv (charset=UTF-8 or GBK…) or application/geo+json, not '" + contentType + "'");
        }
        ObjectNode out = NODES.objectNode().put("rows", report.rows()).put("accepted", report.accepted())
                .put("rejected", report.rejected());
        if (report.stopped() != null) {
            out.put("stopped", report.stopped());
        }
        var errors = out.putArray("errors");
        for (BulkImport.RowError error : report.errors()) {
            ObjectNode row = errors.addObject().put("row", error.row());
            if (error.id() != null) {
                row.put("id", error.id());
            }
            row.put("reason", error.reason());
        }
        http.status(200).contentType(MediaTypes.JSON).result(out.toString());
    }
}
